-- CreateTable
CREATE TABLE "PluginInstallation" (
    "id" UUID NOT NULL,
    "pluginId" TEXT NOT NULL,
    "pluginVersion" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "enabled" BOOLEAN NOT NULL DEFAULT false,
    "config" JSONB NOT NULL DEFAULT '{}',
    "secrets" TEXT,
    "lastHealthAt" TIMESTAMP(3),
    "lastHealthOk" BOOLEAN,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "PluginInstallation_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "PluginKv" (
    "installationId" UUID NOT NULL,
    "key" TEXT NOT NULL,
    "value" JSONB NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "PluginKv_pkey" PRIMARY KEY ("installationId","key")
);

-- CreateTable
CREATE TABLE "PluginCall" (
    "id" BIGSERIAL NOT NULL,
    "installationId" UUID NOT NULL,
    "hook" TEXT NOT NULL,
    "startedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "durationMs" INTEGER NOT NULL,
    "ok" BOOLEAN NOT NULL,
    "error" TEXT,
    "log" JSONB NOT NULL DEFAULT '[]',

    CONSTRAINT "PluginCall_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "PluginInstallation_pluginId_idx" ON "PluginInstallation"("pluginId");

-- CreateIndex
CREATE INDEX "PluginCall_installationId_startedAt_idx" ON "PluginCall"("installationId", "startedAt");

-- AddForeignKey
ALTER TABLE "PluginKv" ADD CONSTRAINT "PluginKv_installationId_fkey" FOREIGN KEY ("installationId") REFERENCES "PluginInstallation"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PluginCall" ADD CONSTRAINT "PluginCall_installationId_fkey" FOREIGN KEY ("installationId") REFERENCES "PluginInstallation"("id") ON DELETE CASCADE ON UPDATE CASCADE;

