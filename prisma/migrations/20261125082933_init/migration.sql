-- CreateEnum
CREATE TYPE "Role" AS ENUM ('TALKER', 'LISTENER', 'REVIEWER', 'MODERATOR', 'AGENT', 'FINANCE', 'ADMIN');

-- CreateEnum
CREATE TYPE "Topic" AS ENUM ('MARRIAGE', 'RELATIONSHIP', 'EMOTION', 'CAREER', 'SOCIAL', 'GROWTH', 'FAMILY', 'OTHER');

-- CreateEnum
CREATE TYPE "Gender" AS ENUM ('FEMALE', 'MALE', 'UNDISCLOSED');

-- CreateEnum
CREATE TYPE "ListenerTier" AS ENUM ('NEW', 'REGULAR', 'SENIOR');

-- CreateEnum
CREATE TYPE "ListenerStatus" AS ENUM ('ACTIVE', 'SUSPENDED');

-- CreateTable
CREATE TABLE "users" (
    "id" UUID NOT NULL,
    "openid" TEXT NOT NULL,
    "alias" TEXT NOT NULL,
    "avatar_seed" TEXT NOT NULL,
    "roles" "Role"[] DEFAULT ARRAY['TALKER']::"Role"[],
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "users_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "listener_profiles" (
    "user_id" UUID NOT NULL,
    "gender" "Gender" NOT NULL,
    "intro" TEXT NOT NULL,
    "topics" "Topic"[],
    "tags" TEXT[],
    "tier" "ListenerTier" NOT NULL DEFAULT 'NEW',
    "status" "ListenerStatus" NOT NULL DEFAULT 'ACTIVE',
    "certified" BOOLEAN NOT NULL DEFAULT false,
    "price_text_fen" INTEGER,
    "price_voice_fen" INTEGER,
    "online" BOOLEAN NOT NULL DEFAULT false,
    "rating_sum" INTEGER NOT NULL DEFAULT 0,
    "rating_count" INTEGER NOT NULL DEFAULT 0,
    "orders_served" INTEGER NOT NULL DEFAULT 0,
    "minutes_served" INTEGER NOT NULL DEFAULT 0,
    "recommend_score" INTEGER NOT NULL DEFAULT 0,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "listener_profiles_pkey" PRIMARY KEY ("user_id")
);

-- CreateTable
CREATE TABLE "reviews" (
    "id" UUID NOT NULL,
    "listener_id" UUID NOT NULL,
    "author_id" UUID NOT NULL,
    "stars" INTEGER NOT NULL,
    "tags" TEXT[],
    "text" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "reviews_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "users_openid_key" ON "users"("openid");

-- CreateIndex
CREATE INDEX "listener_profiles_recommend_score_user_id_idx" ON "listener_profiles"("recommend_score" DESC, "user_id" DESC);

-- CreateIndex
CREATE INDEX "reviews_listener_id_created_at_idx" ON "reviews"("listener_id", "created_at" DESC);

-- AddForeignKey
ALTER TABLE "listener_profiles" ADD CONSTRAINT "listener_profiles_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "reviews" ADD CONSTRAINT "reviews_listener_id_fkey" FOREIGN KEY ("listener_id") REFERENCES "listener_profiles"("user_id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "reviews" ADD CONSTRAINT "reviews_author_id_fkey" FOREIGN KEY ("author_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;
