-- CreateTable
CREATE TABLE "TagRule" (
    "id" UUID NOT NULL,
    "projectId" UUID NOT NULL,
    "tag" TEXT NOT NULL,
    "condition" JSONB NOT NULL,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "matched" INTEGER NOT NULL DEFAULT 0,
    "appliedAt" TIMESTAMP(3),
    "createdBy" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "TagRule_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "TagRule_projectId_idx" ON "TagRule"("projectId");

