-- CreateTable
CREATE TABLE "wechat_notifications" (
    "id" TEXT NOT NULL,
    "event_type" TEXT NOT NULL,
    "business_key" TEXT NOT NULL,
    "resource" JSONB NOT NULL,
    "received_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "wechat_notifications_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "wechat_notifications_business_key_key" ON "wechat_notifications"("business_key");
