-- AlterTable
ALTER TABLE "Grant" ADD COLUMN     "keptForGrantId" TEXT,
ADD COLUMN     "stepCursor" TEXT;
