-- CreateTable
CREATE TABLE "RollupTaskHour" (
    "hour" TIMESTAMPTZ(6) NOT NULL,
    "taskId" UUID NOT NULL,
    "projectId" UUID NOT NULL,
    "result" TEXT NOT NULL,
    "dispositionCode" TEXT NOT NULL,
    "outcome" TEXT NOT NULL,
    "attempts" INTEGER NOT NULL,
    "answered" INTEGER NOT NULL,
    "connected" INTEGER NOT NULL,
    "abandoned" INTEGER NOT NULL,
    "machine" INTEGER NOT NULL,
    "busy" INTEGER NOT NULL,
    "noAnswer" INTEGER NOT NULL,
    "failed" INTEGER NOT NULL,
    "successes" INTEGER NOT NULL,
    "firstAttempts" INTEGER NOT NULL,
    "firstConnects" INTEGER NOT NULL,
    "firstSuccesses" INTEGER NOT NULL,
    "ringSec" BIGINT NOT NULL,
    "talkSec" BIGINT NOT NULL,
    "wrapSec" BIGINT NOT NULL,
    "salesAmount" DECIMAL(18,2) NOT NULL,
    "orders" INTEGER NOT NULL,
    "leads" INTEGER NOT NULL,

    CONSTRAINT "RollupTaskHour_pkey" PRIMARY KEY ("hour","taskId","result","dispositionCode","outcome")
);

-- CreateTable
CREATE TABLE "RollupAgentHour" (
    "hour" TIMESTAMPTZ(6) NOT NULL,
    "taskId" UUID NOT NULL,
    "projectId" UUID NOT NULL,
    "agentId" UUID NOT NULL,
    "dispositionCode" TEXT NOT NULL,
    "outcome" TEXT NOT NULL,
    "calls" INTEGER NOT NULL,
    "connects" INTEGER NOT NULL,
    "successes" INTEGER NOT NULL,
    "talkSec" BIGINT NOT NULL,
    "wrapSec" BIGINT NOT NULL,
    "salesAmount" DECIMAL(18,2) NOT NULL,
    "orders" INTEGER NOT NULL,
    "leads" INTEGER NOT NULL,

    CONSTRAINT "RollupAgentHour_pkey" PRIMARY KEY ("hour","taskId","agentId","dispositionCode","outcome")
);

-- CreateTable
CREATE TABLE "RollupLineHour" (
    "hour" TIMESTAMPTZ(6) NOT NULL,
    "taskId" UUID NOT NULL,
    "projectId" UUID NOT NULL,
    "trunk" TEXT NOT NULL,
    "callerId" TEXT NOT NULL,
    "attempts" INTEGER NOT NULL,
    "answered" INTEGER NOT NULL,
    "connected" INTEGER NOT NULL,
    "failed" INTEGER NOT NULL,
    "ringSec" BIGINT NOT NULL,

    CONSTRAINT "RollupLineHour_pkey" PRIMARY KEY ("hour","taskId","trunk","callerId")
);

-- CreateTable
CREATE TABLE "RollupCauseHour" (
    "hour" TIMESTAMPTZ(6) NOT NULL,
    "taskId" UUID NOT NULL,
    "projectId" UUID NOT NULL,
    "result" TEXT NOT NULL,
    "cause" TEXT NOT NULL,
    "attempts" INTEGER NOT NULL,

    CONSTRAINT "RollupCauseHour_pkey" PRIMARY KEY ("hour","taskId","result","cause")
);

-- CreateTable
CREATE TABLE "RollupWriteBackHour" (
    "hour" TIMESTAMPTZ(6) NOT NULL,
    "projectId" UUID NOT NULL,
    "kind" TEXT NOT NULL,
    "state" TEXT NOT NULL,
    "items" INTEGER NOT NULL,
    "retried" INTEGER NOT NULL,
    "tries" INTEGER NOT NULL,

    CONSTRAINT "RollupWriteBackHour_pkey" PRIMARY KEY ("hour","projectId","kind","state")
);

-- CreateTable
CREATE TABLE "RollupState" (
    "id" TEXT NOT NULL,
    "watermark" TIMESTAMPTZ(6) NOT NULL,
    "runAt" TIMESTAMPTZ(6) NOT NULL,
    "touched" INTEGER NOT NULL DEFAULT 0,
    "ms" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "RollupState_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "RollupTaskHour_taskId_hour_idx" ON "RollupTaskHour"("taskId", "hour");

-- CreateIndex
CREATE INDEX "RollupTaskHour_projectId_hour_idx" ON "RollupTaskHour"("projectId", "hour");

-- CreateIndex
CREATE INDEX "RollupAgentHour_agentId_hour_idx" ON "RollupAgentHour"("agentId", "hour");

-- CreateIndex
CREATE INDEX "RollupAgentHour_projectId_hour_idx" ON "RollupAgentHour"("projectId", "hour");

-- CreateIndex
CREATE INDEX "RollupLineHour_projectId_hour_idx" ON "RollupLineHour"("projectId", "hour");

-- CreateIndex
CREATE INDEX "RollupCauseHour_projectId_hour_idx" ON "RollupCauseHour"("projectId", "hour");

-- CreateIndex
-- CallAttempt_endedAt_idx: created by 20261124235930_monitoring_alerts (both branches needed it).

-- CreateIndex
CREATE INDEX "CallAttempt_taskId_queuedAt_idx" ON "CallAttempt"("taskId", "queuedAt");

-- CreateIndex
CREATE INDEX "WrapUp_submittedAt_idx" ON "WrapUp"("submittedAt");

-- CreateIndex
CREATE INDEX "WrapUp_correctedAt_idx" ON "WrapUp"("correctedAt");

-- CreateIndex
CREATE INDEX "WriteBack_createdAt_idx" ON "WriteBack"("createdAt");

