-- AlterTable
ALTER TABLE "User" ADD COLUMN     "idpSubject" TEXT;
