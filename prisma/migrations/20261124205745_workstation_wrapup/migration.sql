-- AlterTable
ALTER TABLE "CallAttempt" ADD COLUMN     "callbackId" UUID,
ADD COLUMN     "linksSent" JSONB NOT NULL DEFAULT '[]',
ADD COLUMN     "notifyUrl" TEXT,
ADD COLUMN     "requestedBy" UUID;

-- CreateTable
CREATE TABLE "WrapUp" (
    "id" UUID NOT NULL,
    "attemptId" UUID NOT NULL,
    "taskId" UUID NOT NULL,
    "projectId" UUID NOT NULL,
    "contactId" BIGINT NOT NULL,
    "agentId" UUID,
    "dispositionCode" TEXT NOT NULL,
    "outcome" TEXT NOT NULL,
    "notes" TEXT NOT NULL DEFAULT '',
    "responseId" UUID,
    "order" JSONB,
    "lead" JSONB,
    "callbackId" UUID,
    "decision" JSONB NOT NULL,
    "startedAt" TIMESTAMP(3) NOT NULL,
    "deadlineAt" TIMESTAMP(3),
    "submittedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "revision" INTEGER NOT NULL DEFAULT 1,
    "correctedById" UUID,
    "correctedAt" TIMESTAMP(3),

    CONSTRAINT "WrapUp_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "WriteBack" (
    "id" UUID NOT NULL,
    "wrapUpId" UUID NOT NULL,
    "projectId" UUID NOT NULL,
    "installationId" UUID,
    "kind" TEXT NOT NULL,
    "idempotencyKey" TEXT NOT NULL,
    "payload" JSONB NOT NULL,
    "state" TEXT NOT NULL DEFAULT 'pending',
    "tries" INTEGER NOT NULL DEFAULT 0,
    "lastError" TEXT,
    "externalId" TEXT,
    "nextTryAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "deliveredAt" TIMESTAMP(3),

    CONSTRAINT "WriteBack_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Callback" (
    "id" UUID NOT NULL,
    "projectId" UUID NOT NULL,
    "taskId" UUID NOT NULL,
    "contactId" BIGINT NOT NULL,
    "agentId" UUID,
    "dueAt" TIMESTAMP(3) NOT NULL,
    "note" TEXT NOT NULL DEFAULT '',
    "state" TEXT NOT NULL DEFAULT 'open',
    "wrapUpId" UUID,
    "attemptId" UUID,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Callback_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "WrapUp_attemptId_key" ON "WrapUp"("attemptId");

-- CreateIndex
CREATE INDEX "WrapUp_projectId_submittedAt_idx" ON "WrapUp"("projectId", "submittedAt");

-- CreateIndex
CREATE INDEX "WrapUp_agentId_submittedAt_idx" ON "WrapUp"("agentId", "submittedAt");

-- CreateIndex
CREATE INDEX "WrapUp_contactId_idx" ON "WrapUp"("contactId");

-- CreateIndex
CREATE UNIQUE INDEX "WriteBack_idempotencyKey_key" ON "WriteBack"("idempotencyKey");

-- CreateIndex
CREATE INDEX "WriteBack_state_nextTryAt_idx" ON "WriteBack"("state", "nextTryAt");

-- CreateIndex
CREATE INDEX "WriteBack_wrapUpId_idx" ON "WriteBack"("wrapUpId");

-- CreateIndex
CREATE INDEX "WriteBack_projectId_state_idx" ON "WriteBack"("projectId", "state");

-- CreateIndex
CREATE INDEX "Callback_agentId_state_dueAt_idx" ON "Callback"("agentId", "state", "dueAt");

-- CreateIndex
CREATE INDEX "Callback_taskId_state_dueAt_idx" ON "Callback"("taskId", "state", "dueAt");

-- CreateIndex
CREATE INDEX "Callback_contactId_idx" ON "Callback"("contactId");

