-- AlterTable
ALTER TABLE "ContactImport" ADD COLUMN     "totalRows" INTEGER;

-- CreateTable
CREATE TABLE "FieldTemplatePreset" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "fields" JSONB NOT NULL,
    "createdBy" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "FieldTemplatePreset_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "FieldTemplatePreset_name_key" ON "FieldTemplatePreset"("name");

