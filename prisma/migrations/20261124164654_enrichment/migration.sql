-- AlterTable
ALTER TABLE "Project" ADD COLUMN     "crmInstallationId" UUID,
ADD COLUMN     "enrichAfterImport" BOOLEAN NOT NULL DEFAULT false;

-- CreateTable
CREATE TABLE "EnrichmentRun" (
    "id" UUID NOT NULL,
    "projectId" UUID NOT NULL,
    "importId" UUID,
    "status" TEXT NOT NULL DEFAULT 'queued',
    "processed" INTEGER NOT NULL DEFAULT 0,
    "enriched" INTEGER NOT NULL DEFAULT 0,
    "failed" INTEGER NOT NULL DEFAULT 0,
    "lastId" BIGINT NOT NULL DEFAULT 0,
    "error" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finishedAt" TIMESTAMP(3),

    CONSTRAINT "EnrichmentRun_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "EnrichmentRun_projectId_createdAt_idx" ON "EnrichmentRun"("projectId", "createdAt");

