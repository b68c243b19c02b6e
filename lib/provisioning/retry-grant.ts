import "server-only";
import { z } from "zod";
import { appendAuditEvent } from "../audit/append-audit-event.ts";
import type { TDb } from "../db/client.ts";
import { AppError } from "../errors/app-error.ts";
import { kickWorker } from "./kick-worker.ts";

export const ZRetryGrant = z.object({ grantId: z.string().trim().min(1).max(64) });

/**
 * An admin retries a FAILED grant whose cleanup finished: attempts reset, back to PROVISIONING from
 * its first step (every step re-reads AWS first, so steps that had succeeded are not repeated in
 * effect, and anything the failure cleanup removed is set up again). A grant whose time has run
 * out cannot be retried. Audited in the same transaction. Assumes the caller checked the admin role.
 */
export async function retryGrant(db: TDb, actor: { id: string; email: string }, input: z.input<typeof ZRetryGrant>, now = new Date()) {
  const { grantId } = ZRetryGrant.parse(input);
  await db.$transaction(async (tx) => {
    const g = await tx.grant.findUnique({ where: { id: grantId } });
    if (!g) throw new AppError("NOT_FOUND", { userMessage: "Grant not found." });
    if (g.state !== "FAILED") throw new AppError("CONFLICT", { userMessage: `Only a failed grant can be retried; this one is ${g.state.toLowerCase()}.` });
    if (g.step !== null) throw new AppError("CONFLICT", { userMessage: "The portal is still removing what the failed attempt created. Retry in a moment." });
    if (g.expiresAt <= now) throw new AppError("CONFLICT", { userMessage: "This grant's time has run out; ask the requester to request again." });
    const updated = await tx.grant.updateMany({
      where: { id: grantId, state: "FAILED", step: null },
      // What the failed attempt learnt about AWS is stale: removal trusts these (a kept request id reads as
      // "the portal created this", a kept preExisting as "standing access"), so the new attempt learns them again.
      data: { state: "PROVISIONING", step: "RESOLVE_PRINCIPAL", attempts: 0, lastError: null, statusMessage: null, nextRunAt: now, lockedBy: null, lockedUntil: null, assignmentRequestId: null, deletionRequestId: null, membershipId: null, preExisting: false },
    });
    if (updated.count !== 1) throw new AppError("CONFLICT");
    await appendAuditEvent(tx, { actor, action: "grant.retried", subjectType: "Grant", subjectId: g.id, integrationId: g.integrationId, awsAccountId: g.awsAccountId, details: { requestId: g.requestId, lastError: g.lastError } });
  });
  kickWorker("admin retry");
  return { grantId };
}
