-- CreateTable
CREATE TABLE "Task" (
    "id" UUID NOT NULL,
    "projectId" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'draft',
    "channel" TEXT NOT NULL,
    "dialMode" TEXT,
    "condition" JSONB NOT NULL,
    "questionnaireVersionId" UUID,
    "skillGroupIds" UUID[] DEFAULT ARRAY[]::UUID[],
    "schedule" JSONB NOT NULL,
    "priority" INTEGER NOT NULL DEFAULT 5,
    "pacing" JSONB NOT NULL,
    "callerId" JSONB NOT NULL,
    "robot" JSONB,
    "online" JSONB,
    "assignment" JSONB NOT NULL,
    "rulesVersion" INTEGER,
    "statusReason" TEXT,
    "statusChangedAt" TIMESTAMP(3),
    "startedAt" TIMESTAMP(3),
    "finishedAt" TIMESTAMP(3),
    "createdById" UUID,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Task_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "TaskAssignment" (
    "taskId" UUID NOT NULL,
    "contactId" BIGINT NOT NULL,
    "agentId" UUID NOT NULL,
    "source" TEXT NOT NULL DEFAULT 'auto',
    "runId" UUID,
    "assignedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "TaskAssignment_pkey" PRIMARY KEY ("taskId","contactId")
);

-- CreateTable
CREATE TABLE "AssignmentRun" (
    "id" UUID NOT NULL,
    "taskId" UUID NOT NULL,
    "mode" TEXT NOT NULL,
    "dryRun" BOOLEAN NOT NULL DEFAULT false,
    "assigned" INTEGER NOT NULL DEFAULT 0,
    "released" INTEGER NOT NULL DEFAULT 0,
    "keptManual" INTEGER NOT NULL DEFAULT 0,
    "unassigned" INTEGER NOT NULL DEFAULT 0,
    "perAgent" JSONB NOT NULL DEFAULT '{}',
    "perSegment" JSONB NOT NULL DEFAULT '[]',
    "note" TEXT NOT NULL DEFAULT '',
    "createdById" UUID,
    "createdBy" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "AssignmentRun_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AgentSchedule" (
    "userId" UUID NOT NULL,
    "weekly" JSONB NOT NULL,
    "exceptions" JSONB NOT NULL DEFAULT '[]',
    "updatedBy" TEXT,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "AgentSchedule_pkey" PRIMARY KEY ("userId")
);

-- CreateIndex
CREATE INDEX "Task_projectId_status_idx" ON "Task"("projectId", "status");

-- CreateIndex
CREATE INDEX "Task_status_priority_idx" ON "Task"("status", "priority");

-- CreateIndex
CREATE INDEX "TaskAssignment_taskId_agentId_idx" ON "TaskAssignment"("taskId", "agentId");

-- CreateIndex
CREATE INDEX "TaskAssignment_agentId_idx" ON "TaskAssignment"("agentId");

-- CreateIndex
CREATE INDEX "AssignmentRun_taskId_createdAt_idx" ON "AssignmentRun"("taskId", "createdAt");

