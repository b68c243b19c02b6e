-- AlterTable
ALTER TABLE "ReconcileRun" ADD COLUMN     "resumeAfterArn" TEXT;
