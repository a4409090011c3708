-- CreateTable
CREATE TABLE "CallAttempt" (
    "id" UUID NOT NULL,
    "taskId" UUID NOT NULL,
    "projectId" UUID NOT NULL,
    "contactId" BIGINT NOT NULL,
    "rulesVersion" INTEGER NOT NULL,
    "mode" TEXT NOT NULL,
    "state" TEXT NOT NULL DEFAULT 'queued',
    "phoneSlot" TEXT NOT NULL DEFAULT 'primary',
    "trunk" TEXT,
    "callerId" TEXT,
    "agentId" UUID,
    "amd" TEXT,
    "result" TEXT,
    "cause" TEXT,
    "causeCode" INTEGER,
    "ringSec" INTEGER,
    "talkSec" INTEGER,
    "dialerId" TEXT,
    "queuedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "dialingAt" TIMESTAMP(3),
    "ringingAt" TIMESTAMP(3),
    "answeredAt" TIMESTAMP(3),
    "connectedAt" TIMESTAMP(3),
    "endedAt" TIMESTAMP(3),

    CONSTRAINT "CallAttempt_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ActiveCall" (
    "contactId" BIGINT NOT NULL,
    "attemptId" UUID NOT NULL,
    "taskId" UUID NOT NULL,
    "since" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ActiveCall_pkey" PRIMARY KEY ("contactId")
);

-- CreateTable
CREATE TABLE "DialRefusal" (
    "id" BIGSERIAL NOT NULL,
    "taskId" UUID NOT NULL,
    "contactId" BIGINT NOT NULL,
    "reason" TEXT NOT NULL,
    "until" TIMESTAMP(3),
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "DialRefusal_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AgentPresence" (
    "userId" UUID NOT NULL,
    "state" TEXT NOT NULL DEFAULT 'offline',
    "pauseReason" TEXT,
    "since" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "heartbeatAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "attemptId" UUID,
    "auto" BOOLEAN NOT NULL DEFAULT false,

    CONSTRAINT "AgentPresence_pkey" PRIMARY KEY ("userId")
);

-- CreateIndex
CREATE INDEX "CallAttempt_taskId_state_idx" ON "CallAttempt"("taskId", "state");

-- CreateIndex
CREATE INDEX "CallAttempt_contactId_queuedAt_idx" ON "CallAttempt"("contactId", "queuedAt");

-- CreateIndex
CREATE INDEX "CallAttempt_state_idx" ON "CallAttempt"("state");

-- CreateIndex
CREATE UNIQUE INDEX "ActiveCall_attemptId_key" ON "ActiveCall"("attemptId");

-- CreateIndex
CREATE INDEX "DialRefusal_taskId_at_idx" ON "DialRefusal"("taskId", "at");

-- CreateIndex
CREATE INDEX "DialRefusal_contactId_at_idx" ON "DialRefusal"("contactId", "at");

-- CreateIndex
CREATE INDEX "AgentPresence_state_idx" ON "AgentPresence"("state");

