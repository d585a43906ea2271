-- CreateEnum
CREATE TYPE "ServiceType" AS ENUM ('TEXT', 'VOICE');

-- CreateEnum
CREATE TYPE "OrderKind" AS ENUM ('SESSION', 'PACKAGE');

-- CreateEnum
CREATE TYPE "OrderStatus" AS ENUM ('PENDING_PAYMENT', 'PAID', 'ACCEPTED', 'IN_SESSION', 'COMPLETED', 'SETTLED', 'CLOSED', 'REFUNDING', 'REFUNDED', 'PARTIALLY_REFUNDED', 'DISPUTED');

-- CreateEnum
CREATE TYPE "RefundStatus" AS ENUM ('PENDING', 'PROCESSING', 'SUCCESS', 'ABNORMAL', 'CLOSED');

-- CreateTable
CREATE TABLE "orders" (
    "id" UUID NOT NULL,
    "out_trade_no" TEXT NOT NULL,
    "kind" "OrderKind" NOT NULL DEFAULT 'SESSION',
    "talker_id" UUID NOT NULL,
    "listener_id" UUID NOT NULL,
    "service_type" "ServiceType" NOT NULL,
    "topic" "Topic",
    "units" INTEGER NOT NULL,
    "unit_price_fen" INTEGER NOT NULL,
    "minutes" INTEGER NOT NULL,
    "package_id" UUID,
    "subtotal_fen" INTEGER NOT NULL,
    "points_discount_fen" INTEGER NOT NULL DEFAULT 0,
    "total_fen" INTEGER NOT NULL,
    "refunded_fen" INTEGER NOT NULL DEFAULT 0,
    "status" "OrderStatus" NOT NULL DEFAULT 'PENDING_PAYMENT',
    "prepay_id" TEXT,
    "transaction_id" TEXT,
    "pay_by" TIMESTAMPTZ(3) NOT NULL,
    "paid_at" TIMESTAMPTZ(3),
    "accept_by" TIMESTAMPTZ(3),
    "accepted_at" TIMESTAMPTZ(3),
    "closed_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "orders_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "order_transitions" (
    "id" UUID NOT NULL,
    "order_id" UUID NOT NULL,
    "from" "OrderStatus",
    "to" "OrderStatus" NOT NULL,
    "actor_id" UUID,
    "reason" TEXT NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "order_transitions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "refunds" (
    "id" UUID NOT NULL,
    "order_id" UUID NOT NULL,
    "out_refund_no" TEXT NOT NULL,
    "amount_fen" INTEGER NOT NULL,
    "reason" TEXT NOT NULL,
    "status" "RefundStatus" NOT NULL DEFAULT 'PENDING',
    "refund_id" TEXT,
    "requested_by_id" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "completed_at" TIMESTAMPTZ(3),

    CONSTRAINT "refunds_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "topic_packages" (
    "id" UUID NOT NULL,
    "listener_id" UUID NOT NULL,
    "topic" "Topic" NOT NULL,
    "service_type" "ServiceType" NOT NULL,
    "minutes" INTEGER NOT NULL,
    "price_fen" INTEGER NOT NULL,
    "active" BOOLEAN NOT NULL DEFAULT true,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "topic_packages_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "package_balances" (
    "id" UUID NOT NULL,
    "order_id" UUID NOT NULL,
    "talker_id" UUID NOT NULL,
    "listener_id" UUID NOT NULL,
    "minutes_total" INTEGER NOT NULL,
    "minutes_left" INTEGER NOT NULL,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "package_balances_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "gifts" (
    "code" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "price_fen" INTEGER NOT NULL,
    "active" BOOLEAN NOT NULL DEFAULT true,
    "sort" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "gifts_pkey" PRIMARY KEY ("code")
);

-- CreateTable
CREATE TABLE "ledger_transactions" (
    "id" UUID NOT NULL,
    "kind" TEXT NOT NULL,
    "idempotency_key" TEXT NOT NULL,
    "order_id" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ledger_transactions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ledger_entries" (
    "id" UUID NOT NULL,
    "transaction_id" UUID NOT NULL,
    "account" TEXT NOT NULL,
    "amount_fen" INTEGER NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ledger_entries_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "orders_out_trade_no_key" ON "orders"("out_trade_no");

-- CreateIndex
CREATE UNIQUE INDEX "orders_transaction_id_key" ON "orders"("transaction_id");

-- CreateIndex
CREATE INDEX "orders_talker_id_created_at_idx" ON "orders"("talker_id", "created_at" DESC);

-- CreateIndex
CREATE INDEX "orders_listener_id_status_created_at_idx" ON "orders"("listener_id", "status", "created_at" DESC);

-- CreateIndex
CREATE INDEX "orders_status_created_at_idx" ON "orders"("status", "created_at");

-- CreateIndex
CREATE INDEX "order_transitions_order_id_at_idx" ON "order_transitions"("order_id", "at");

-- CreateIndex
CREATE UNIQUE INDEX "refunds_out_refund_no_key" ON "refunds"("out_refund_no");

-- CreateIndex
CREATE UNIQUE INDEX "refunds_refund_id_key" ON "refunds"("refund_id");

-- CreateIndex
CREATE INDEX "refunds_order_id_idx" ON "refunds"("order_id");

-- CreateIndex
CREATE INDEX "topic_packages_listener_id_active_idx" ON "topic_packages"("listener_id", "active");

-- CreateIndex
CREATE UNIQUE INDEX "package_balances_order_id_key" ON "package_balances"("order_id");

-- CreateIndex
CREATE INDEX "package_balances_talker_id_listener_id_idx" ON "package_balances"("talker_id", "listener_id");

-- CreateIndex
CREATE UNIQUE INDEX "ledger_transactions_idempotency_key_key" ON "ledger_transactions"("idempotency_key");

-- CreateIndex
CREATE INDEX "ledger_transactions_order_id_idx" ON "ledger_transactions"("order_id");

-- CreateIndex
CREATE INDEX "ledger_entries_account_created_at_idx" ON "ledger_entries"("account", "created_at");

-- CreateIndex
CREATE INDEX "ledger_entries_transaction_id_idx" ON "ledger_entries"("transaction_id");

-- AddForeignKey
ALTER TABLE "order_transitions" ADD CONSTRAINT "order_transitions_order_id_fkey" FOREIGN KEY ("order_id") REFERENCES "orders"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "refunds" ADD CONSTRAINT "refunds_order_id_fkey" FOREIGN KEY ("order_id") REFERENCES "orders"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ledger_entries" ADD CONSTRAINT "ledger_entries_transaction_id_fkey" FOREIGN KEY ("transaction_id") REFERENCES "ledger_transactions"("id") ON DELETE RESTRICT ON UPDATE CASCADE;


-- The gift catalogue (PRODUCT.md §3); prices in fen.
INSERT INTO "gifts" ("code", "name", "price_fen", "sort") VALUES
  ('hug', '抱抱', 100, 1),
  ('flower', '小红花', 520, 2),
  ('tea', '一杯热茶', 1000, 3),
  ('lamp', '小夜灯', 2000, 4),
  ('star', '星星', 5200, 5);
