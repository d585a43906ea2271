-- Trigram search over listener alias, intro and tags (Chinese substrings).
CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- CreateEnum
CREATE TYPE "ApplicationStatus" AS ENUM ('SUBMITTED', 'CHANGES_REQUESTED', 'AWAITING_SECOND_REVIEW', 'APPROVED', 'REJECTED');

-- CreateEnum
CREATE TYPE "QuizAttemptStatus" AS ENUM ('STARTED', 'SUBMITTED');

-- AlterTable
ALTER TABLE "listener_profiles" ADD COLUMN     "accept_seconds_sum" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "age_range" TEXT,
ADD COLUMN     "distinct_talkers" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "orders_accepted" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "orders_received" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "rating_avg_centi" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "repeat_talkers" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "search_text" TEXT NOT NULL DEFAULT '',
ADD COLUMN     "suspended_reason" TEXT,
ADD COLUMN     "voice_intro_file_id" UUID,
ADD COLUMN     "working_hours" JSONB NOT NULL DEFAULT '[]';

-- AlterTable
ALTER TABLE "users" ADD COLUMN     "deleted_at" TIMESTAMPTZ(3),
ADD COLUMN     "phone_enc" TEXT;

-- CreateTable
CREATE TABLE "audit_logs" (
    "id" UUID NOT NULL,
    "actor_id" UUID,
    "action" TEXT NOT NULL,
    "subject_type" TEXT NOT NULL,
    "subject_id" TEXT NOT NULL,
    "detail" JSONB NOT NULL DEFAULT '{}',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "audit_logs_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "stored_files" (
    "id" UUID NOT NULL,
    "owner_id" UUID NOT NULL,
    "purpose" TEXT NOT NULL,
    "mime_type" TEXT NOT NULL,
    "size_bytes" INTEGER NOT NULL,
    "sha256" TEXT NOT NULL,
    "storage_key" TEXT NOT NULL,
    "encrypted" BOOLEAN NOT NULL DEFAULT false,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "stored_files_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "listener_applications" (
    "id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "status" "ApplicationStatus" NOT NULL DEFAULT 'SUBMITTED',
    "alias" TEXT NOT NULL,
    "gender" "Gender" NOT NULL,
    "age_range" TEXT NOT NULL,
    "intro" TEXT NOT NULL,
    "topics" "Topic"[],
    "tags" TEXT[],
    "experience" TEXT NOT NULL,
    "scenario_answer" TEXT NOT NULL,
    "voice_intro_file_id" UUID,
    "certificate_file_ids" TEXT[],
    "real_name_enc" TEXT NOT NULL,
    "id_number_enc" TEXT NOT NULL,
    "identity_verified" BOOLEAN NOT NULL DEFAULT false,
    "identity_check_ref" TEXT,
    "first_reviewer_id" UUID,
    "decided_by_id" UUID,
    "decision_reason" TEXT,
    "submitted_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "decided_at" TIMESTAMPTZ(3),
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "listener_applications_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "training_progress" (
    "user_id" UUID NOT NULL,
    "lesson_id" TEXT NOT NULL,
    "completed_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "training_progress_pkey" PRIMARY KEY ("user_id","lesson_id")
);

-- CreateTable
CREATE TABLE "quiz_attempts" (
    "id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "status" "QuizAttemptStatus" NOT NULL DEFAULT 'STARTED',
    "question_ids" TEXT[],
    "answers" JSONB,
    "score_percent" INTEGER,
    "passed" BOOLEAN,
    "started_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "submitted_at" TIMESTAMPTZ(3),

    CONSTRAINT "quiz_attempts_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "audit_logs_subject_type_subject_id_created_at_idx" ON "audit_logs"("subject_type", "subject_id", "created_at");

-- CreateIndex
CREATE INDEX "audit_logs_created_at_idx" ON "audit_logs"("created_at" DESC);

-- CreateIndex
CREATE UNIQUE INDEX "stored_files_storage_key_key" ON "stored_files"("storage_key");

-- CreateIndex
CREATE INDEX "stored_files_owner_id_idx" ON "stored_files"("owner_id");

-- CreateIndex
CREATE INDEX "listener_applications_status_submitted_at_idx" ON "listener_applications"("status", "submitted_at");

-- CreateIndex
CREATE INDEX "listener_applications_user_id_submitted_at_idx" ON "listener_applications"("user_id", "submitted_at" DESC);

-- CreateIndex
CREATE INDEX "quiz_attempts_user_id_started_at_idx" ON "quiz_attempts"("user_id", "started_at");

-- CreateIndex
CREATE INDEX "listener_profiles_price_text_fen_user_id_idx" ON "listener_profiles"("price_text_fen", "user_id");

-- CreateIndex
CREATE INDEX "listener_profiles_rating_avg_centi_user_id_idx" ON "listener_profiles"("rating_avg_centi" DESC, "user_id" DESC);

-- CreateIndex
CREATE INDEX "listener_profiles_minutes_served_user_id_idx" ON "listener_profiles"("minutes_served" DESC, "user_id" DESC);

-- CreateIndex
CREATE INDEX "listener_profiles_topics_idx" ON "listener_profiles" USING GIN ("topics");

-- CreateIndex
CREATE INDEX "listener_profiles_tags_idx" ON "listener_profiles" USING GIN ("tags");

-- CreateIndex
CREATE INDEX "listener_profiles_search_text_trgm" ON "listener_profiles" USING GIN ("search_text" gin_trgm_ops);

-- AddForeignKey
ALTER TABLE "listener_applications" ADD CONSTRAINT "listener_applications_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;


-- Backfill the derived columns for existing listeners.
UPDATE listener_profiles SET rating_avg_centi = CASE WHEN rating_count > 0 THEN (rating_sum * 100) / rating_count ELSE 0 END, search_text = lower(coalesce((SELECT alias FROM users u WHERE u.id = user_id), '') || ' ' || intro || ' ' || array_to_string(tags, ' '));
