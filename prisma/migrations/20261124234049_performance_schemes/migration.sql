-- CreateTable
CREATE TABLE "PerformanceScheme" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "scopeKind" TEXT NOT NULL,
    "projectId" UUID,
    "skillGroupId" UUID,
    "timeZone" TEXT NOT NULL DEFAULT 'Asia/Shanghai',
    "config" JSONB NOT NULL,
    "version" INTEGER NOT NULL DEFAULT 1,
    "active" BOOLEAN NOT NULL DEFAULT true,
    "updatedBy" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "PerformanceScheme_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "PerformanceSchemeVersion" (
    "id" BIGSERIAL NOT NULL,
    "schemeId" UUID NOT NULL,
    "version" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "config" JSONB NOT NULL,
    "createdBy" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "PerformanceSchemeVersion_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "PerformanceScheme_projectId_idx" ON "PerformanceScheme"("projectId");

-- CreateIndex
CREATE INDEX "PerformanceScheme_skillGroupId_idx" ON "PerformanceScheme"("skillGroupId");

-- CreateIndex
CREATE UNIQUE INDEX "PerformanceSchemeVersion_schemeId_version_key" ON "PerformanceSchemeVersion"("schemeId", "version");

-- AddForeignKey
ALTER TABLE "PerformanceSchemeVersion" ADD CONSTRAINT "PerformanceSchemeVersion_schemeId_fkey" FOREIGN KEY ("schemeId") REFERENCES "PerformanceScheme"("id") ON DELETE CASCADE ON UPDATE CASCADE;

