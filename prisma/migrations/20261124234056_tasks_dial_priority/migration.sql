-- CreateTable
CREATE TABLE "TaskContactPriority" (
    "taskId" UUID NOT NULL,
    "contactId" BIGINT NOT NULL,
    "score" DOUBLE PRECISION NOT NULL,
    "computedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "TaskContactPriority_pkey" PRIMARY KEY ("taskId","contactId")
);

