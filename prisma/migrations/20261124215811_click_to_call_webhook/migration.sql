-- AlterTable
ALTER TABLE "CallAttempt" ADD COLUMN     "notifyKeyId" UUID;

