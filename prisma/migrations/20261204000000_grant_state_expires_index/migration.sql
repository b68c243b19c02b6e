-- CreateIndex
CREATE INDEX "Grant_state_expiresAt_idx" ON "Grant"("state", "expiresAt");
