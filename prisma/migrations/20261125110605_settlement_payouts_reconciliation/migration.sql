-- CreateEnum
CREATE TYPE "PayoutStatus" AS ENUM ('PENDING', 'WAIT_USER_CONFIRM', 'PROCESSING', 'SUCCESS', 'FAILED', 'CANCELLED');

-- CreateEnum
CREATE TYPE "ReconciliationStatus" AS ENUM ('RUNNING', 'DONE', 'FAILED');

-- CreateTable
CREATE TABLE "earning_holds" (
    "order_id" UUID NOT NULL,
    "listener_id" UUID NOT NULL,
    "release_at" TIMESTAMPTZ(3) NOT NULL,
    "released_fen" INTEGER,
    "released_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "earning_holds_pkey" PRIMARY KEY ("order_id")
);

-- CreateTable
CREATE TABLE "payouts" (
    "id" UUID NOT NULL,
    "listener_id" UUID NOT NULL,
    "amount_fen" INTEGER NOT NULL,
    "out_bill_no" TEXT NOT NULL,
    "transfer_bill_no" TEXT,
    "package_info" TEXT,
    "status" "PayoutStatus" NOT NULL DEFAULT 'PENDING',
    "fail_reason" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,
    "finished_at" TIMESTAMPTZ(3),

    CONSTRAINT "payouts_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "reconciliation_runs" (
    "id" UUID NOT NULL,
    "bill_date" TEXT NOT NULL,
    "status" "ReconciliationStatus" NOT NULL DEFAULT 'RUNNING',
    "trigger" TEXT NOT NULL,
    "summary" JSONB NOT NULL DEFAULT '{}',
    "error" TEXT,
    "started_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finished_at" TIMESTAMPTZ(3),

    CONSTRAINT "reconciliation_runs_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "reconciliation_items" (
    "id" UUID NOT NULL,
    "run_id" UUID NOT NULL,
    "category" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "reference" TEXT NOT NULL,
    "local_fen" INTEGER,
    "wechat_fen" INTEGER,
    "local_state" TEXT,
    "wechat_state" TEXT,
    "repaired" BOOLEAN NOT NULL DEFAULT false,
    "detail" TEXT NOT NULL DEFAULT '',

    CONSTRAINT "reconciliation_items_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "earning_holds_listener_id_created_at_idx" ON "earning_holds"("listener_id", "created_at" DESC);

-- CreateIndex
CREATE UNIQUE INDEX "payouts_out_bill_no_key" ON "payouts"("out_bill_no");

-- CreateIndex
CREATE UNIQUE INDEX "payouts_transfer_bill_no_key" ON "payouts"("transfer_bill_no");

-- CreateIndex
CREATE INDEX "payouts_listener_id_created_at_idx" ON "payouts"("listener_id", "created_at" DESC);

-- CreateIndex
CREATE INDEX "payouts_status_created_at_idx" ON "payouts"("status", "created_at");

-- CreateIndex
CREATE INDEX "reconciliation_runs_bill_date_started_at_idx" ON "reconciliation_runs"("bill_date", "started_at" DESC);

-- CreateIndex
CREATE INDEX "reconciliation_items_run_id_category_idx" ON "reconciliation_items"("run_id", "category");

-- AddForeignKey
ALTER TABLE "reconciliation_items" ADD CONSTRAINT "reconciliation_items_run_id_fkey" FOREIGN KEY ("run_id") REFERENCES "reconciliation_runs"("id") ON DELETE CASCADE ON UPDATE CASCADE;

