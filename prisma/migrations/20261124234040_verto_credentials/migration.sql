-- CreateTable
CREATE TABLE "VertoCredential" (
    "userId" UUID NOT NULL,
    "extension" INTEGER NOT NULL,
    "secretSealed" TEXT,
    "issuedAt" TIMESTAMP(3),
    "expiresAt" TIMESTAMP(3),
    "revokedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "VertoCredential_pkey" PRIMARY KEY ("userId")
);

-- CreateIndex
CREATE UNIQUE INDEX "VertoCredential_extension_key" ON "VertoCredential"("extension");

