-- CreateEnum
CREATE TYPE "GroupStatus" AS ENUM ('PENDING_REVIEW', 'OPEN', 'CLOSED', 'REJECTED');

-- CreateEnum
CREATE TYPE "MembershipStatus" AS ENUM ('RESERVED', 'ACTIVE', 'EXPIRED', 'LEFT', 'REMOVED', 'REFUNDED', 'RELEASED');

-- AlterEnum
ALTER TYPE "OrderKind" ADD VALUE 'GROUP_MEMBERSHIP';

-- AlterTable
ALTER TABLE "orders" ADD COLUMN     "group_id" UUID,
ADD COLUMN     "term_days" INTEGER;

-- CreateTable
CREATE TABLE "groups" (
    "id" UUID NOT NULL,
    "owner_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "intro" TEXT NOT NULL,
    "topic" "Topic" NOT NULL,
    "price_30_fen" INTEGER,
    "price_90_fen" INTEGER,
    "price_365_fen" INTEGER,
    "capacity" INTEGER NOT NULL,
    "seats_taken" INTEGER NOT NULL DEFAULT 0,
    "status" "GroupStatus" NOT NULL DEFAULT 'PENDING_REVIEW',
    "announcement" TEXT,
    "review_note" TEXT,
    "reviewed_by_id" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "groups_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "group_memberships" (
    "id" UUID NOT NULL,
    "group_id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "status" "MembershipStatus" NOT NULL,
    "order_id" UUID NOT NULL,
    "reserved_until" TIMESTAMPTZ(3),
    "joined_at" TIMESTAMPTZ(3),
    "ends_at" TIMESTAMPTZ(3),
    "muted_until" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "group_memberships_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "groups_status_created_at_idx" ON "groups"("status", "created_at" DESC);

-- CreateIndex
CREATE INDEX "groups_owner_id_idx" ON "groups"("owner_id");

-- CreateIndex
CREATE INDEX "group_memberships_user_id_idx" ON "group_memberships"("user_id");

-- CreateIndex
CREATE INDEX "group_memberships_status_ends_at_idx" ON "group_memberships"("status", "ends_at");

-- CreateIndex
CREATE UNIQUE INDEX "group_memberships_group_id_user_id_key" ON "group_memberships"("group_id", "user_id");

-- AddForeignKey
ALTER TABLE "group_memberships" ADD CONSTRAINT "group_memberships_group_id_fkey" FOREIGN KEY ("group_id") REFERENCES "groups"("id") ON DELETE CASCADE ON UPDATE CASCADE;

