-- AlterTable
ALTER TABLE "Grant" ADD COLUMN     "expiryReminderFor" TIMESTAMP(3);
