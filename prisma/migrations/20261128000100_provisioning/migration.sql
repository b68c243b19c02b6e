-- AlterTable
ALTER TABLE "Grant" ADD COLUMN     "sessionsMayRemainUntil" TIMESTAMP(3),
ADD COLUMN     "statusMessage" TEXT;
