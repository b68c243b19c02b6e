import "server-only";
import { parseInput } from "../errors/parse-input.ts";
import { z } from "zod";
import type { TDb } from "../db/client.ts";
import { appendAuditEvent } from "../audit/append-audit-event.ts";
import { AppError } from "../errors/app-error.ts";
import { kickWorker } from "../provisioning/kick-worker.ts";

export const ZRevokeGrantEarly = z.object({
  grantId: z.string().trim().min(1).max(64),
  reason: z.string().trim().max(500, "Reason is at most 500 characters").default(""),
});
export type TRevokeGrantEarly = z.input<typeof ZRevokeGrantEarly>;

/**
 * Ends one of the requester's own grants now: expiry moved to now with revokedById/revokeReason set and
 * the worker due at once (it treats a due expiry with revokedById as REVOKED). Conditional on the grant
 * being APPROVED, PROVISIONING or ACTIVE and not already revoked, with the owner in the `where`;
 * another user's grant is NOT_FOUND. Audit event in the same transaction, then a worker nudge.
 * Assumes the caller authenticated `actor`.
 */
export async function revokeGrantEarly(db: TDb, actor: { id: string; email: string }, input: TRevokeGrantEarly, now = new Date()) {
  const { grantId, reason } = parseInput(ZRevokeGrantEarly, input);
  const grant = await db.$transaction(async (tx) => {
    const updated = await tx.grant.updateMany({
      where: { id: grantId, userId: actor.id, state: { in: ["APPROVED", "PROVISIONING", "ACTIVE"] }, revokedById: null },
      data: { expiresAt: now, revokedById: actor.id, revokeReason: reason || "Ended early by the requester", nextRunAt: now },
    });
    if (updated.count !== 1) {
      const existing = await tx.grant.findFirst({ where: { id: grantId, userId: actor.id }, select: { state: true, revokedById: true } });
      if (!existing) throw new AppError("NOT_FOUND", { message: `grant ${grantId} not found for ${actor.id}`, userMessage: "Grant not found." });
      throw new AppError("CONFLICT", {
        message: `grant ${grantId} is ${existing.state}${existing.revokedById ? " (revoke pending)" : ""}`,
        userMessage: existing.revokedById ? "This access is already being revoked." : "This access has already ended.",
      });
    }
    const row = await tx.grant.findUniqueOrThrow({ where: { id: grantId } });
    await appendAuditEvent(tx, {
      actor,
      action: "grant.revoke_requested",
      subjectType: "Grant",
      subjectId: row.id,
      integrationId: row.integrationId,
      awsAccountId: row.awsAccountId,
      details: { requestId: row.requestId, reason: row.revokeReason, state: row.state },
    });
    return row;
  });
  kickWorker("grant revoked early");
  return { id: grant.id, state: grant.state };
}
