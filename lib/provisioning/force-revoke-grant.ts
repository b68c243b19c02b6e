import "server-only";
import { parseInput } from "../errors/parse-input.ts";
import { z } from "zod";
import { appendAuditEvent } from "../audit/append-audit-event.ts";
import type { TDb } from "../db/client.ts";
import { AppError } from "../errors/app-error.ts";
import { kickWorker } from "./kick-worker.ts";

export const ZForceRevokeGrant = z.object({
  grantId: z.string().trim().min(1).max(64),
  reason: z.string().trim().min(1, "Say why the access is revoked").max(500, "Reason is at most 500 characters"),
});
export type TForceRevokeGrant = z.input<typeof ZForceRevokeGrant>;

/**
 * An admin ends any live grant now: expiry moved to now, revokedById/revokeReason set, the worker
 * due at once (it removes the access and ends the grant REVOKED). Conditional on a live state and no
 * revoke already pending; audited in the same transaction; then the in-process worker is kicked.
 * Assumes the caller checked the admin role (adminAction).
 */
export async function forceRevokeGrant(db: TDb, actor: { id: string; email: string }, input: TForceRevokeGrant, now = new Date()) {
  const { grantId, reason } = parseInput(ZForceRevokeGrant, input);
  await db.$transaction(async (tx) => {
    const updated = await tx.grant.updateMany({
      where: { id: grantId, state: { in: ["APPROVED", "PROVISIONING", "ACTIVE"] }, revokedById: null },
      data: { expiresAt: now, revokedById: actor.id, revokeReason: reason, nextRunAt: now },
    });
    if (updated.count !== 1) {
      const existing = await tx.grant.findUnique({ where: { id: grantId }, select: { state: true, revokedById: true } });
      if (!existing) throw new AppError("NOT_FOUND", { userMessage: "Grant not found." });
      throw new AppError("CONFLICT", { message: `grant ${grantId} is ${existing.state}`, userMessage: existing.revokedById ? "A revoke is already in progress." : `This grant is ${existing.state.toLowerCase()}; there is nothing to revoke.` });
    }
    const g = await tx.grant.findUniqueOrThrow({ where: { id: grantId } });
    await appendAuditEvent(tx, { actor, action: "grant.force_revoked", subjectType: "Grant", subjectId: g.id, integrationId: g.integrationId, awsAccountId: g.awsAccountId, details: { requestId: g.requestId, reason, state: g.state } });
  });
  kickWorker("admin force revoke");
  return { grantId };
}
