-- AlterTable
ALTER TABLE "WriteBack" ADD COLUMN     "lastFailedAt" TIMESTAMP(3);

-- CreateTable
CREATE TABLE "AlertRule" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "metric" TEXT NOT NULL,
    "scope" TEXT NOT NULL,
    "scopeRef" TEXT,
    "window" TEXT NOT NULL,
    "condition" JSONB NOT NULL,
    "severity" TEXT NOT NULL DEFAULT 'warning',
    "actions" JSONB NOT NULL,
    "seedKey" TEXT,
    "createdById" UUID,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "AlertRule_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Alert" (
    "id" UUID NOT NULL,
    "ruleId" UUID NOT NULL,
    "ruleName" TEXT NOT NULL DEFAULT '',
    "subject" TEXT NOT NULL,
    "subjectLabel" TEXT NOT NULL,
    "state" TEXT NOT NULL DEFAULT 'firing',
    "severity" TEXT NOT NULL,
    "metric" TEXT NOT NULL,
    "window" TEXT NOT NULL,
    "value" DOUBLE PRECISION NOT NULL,
    "sample" INTEGER NOT NULL,
    "firedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "acknowledgedAt" TIMESTAMP(3),
    "acknowledgedBy" TEXT,
    "resolvedAt" TIMESTAMP(3),
    "resolvedBy" TEXT,
    "history" JSONB NOT NULL DEFAULT '[]',

    CONSTRAINT "Alert_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CircuitBreaker" (
    "id" UUID NOT NULL,
    "kind" TEXT NOT NULL,
    "target" TEXT NOT NULL,
    "level" DOUBLE PRECISION,
    "alertId" UUID,
    "reason" TEXT NOT NULL,
    "trippedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "resumeAt" TIMESTAMP(3),
    "releasedAt" TIMESTAMP(3),
    "releasedBy" TEXT,

    CONSTRAINT "CircuitBreaker_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Notification" (
    "id" UUID NOT NULL,
    "userId" UUID NOT NULL,
    "alertId" UUID,
    "severity" TEXT NOT NULL DEFAULT 'info',
    "title" TEXT NOT NULL,
    "body" TEXT NOT NULL DEFAULT '',
    "link" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "readAt" TIMESTAMP(3),

    CONSTRAINT "Notification_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "AlertRule_seedKey_key" ON "AlertRule"("seedKey");

-- CreateIndex
CREATE INDEX "Alert_ruleId_subject_state_idx" ON "Alert"("ruleId", "subject", "state");

-- CreateIndex
CREATE INDEX "Alert_state_firedAt_idx" ON "Alert"("state", "firedAt");

-- CreateIndex
CREATE INDEX "CircuitBreaker_kind_releasedAt_idx" ON "CircuitBreaker"("kind", "releasedAt");

-- CreateIndex
CREATE INDEX "CircuitBreaker_alertId_idx" ON "CircuitBreaker"("alertId");

-- CreateIndex
CREATE INDEX "Notification_userId_readAt_idx" ON "Notification"("userId", "readAt");

-- CreateIndex
CREATE INDEX "CallAttempt_endedAt_idx" ON "CallAttempt"("endedAt");

