-- CreateIndex
CREATE INDEX "CallAttempt_queuedAt_idx" ON "CallAttempt"("queuedAt");

