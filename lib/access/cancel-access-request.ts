import "server-only";
import type { TDb } from "../db/client.ts";
import { appendAuditEvent } from "../audit/append-audit-event.ts";
import { AppError } from "../errors/app-error.ts";

/**
 * Cancels one of the requester's own PENDING requests. Ownership is part of the conditional update's
 * `where`, so another user's request id is NOT_FOUND (never revealed), and a request decided meanwhile
 * is CONFLICT. Audit event in the same transaction. Assumes the caller authenticated `actor`.
 */
export async function cancelAccessRequest(db: TDb, actor: { id: string; email: string }, requestId: string, now = new Date()) {
  return db.$transaction(async (tx) => {
    const updated = await tx.accessRequest.updateMany({
      where: { id: requestId, requesterId: actor.id, status: "PENDING" },
      data: { status: "CANCELLED", decidedAt: now },
    });
    if (updated.count !== 1) {
      const existing = await tx.accessRequest.findFirst({ where: { id: requestId, requesterId: actor.id }, select: { status: true } });
      if (!existing) throw new AppError("NOT_FOUND", { message: `request ${requestId} not found for ${actor.id}`, userMessage: "Request not found." });
      throw new AppError("CONFLICT", {
        message: `request ${requestId} is ${existing.status}`,
        userMessage: `This request is already ${existing.status.toLowerCase().replace("_", " ")}; only pending requests can be cancelled.`,
      });
    }
    const request = await tx.accessRequest.findUniqueOrThrow({ where: { id: requestId }, include: { account: { select: { accountId: true } } } });
    await appendAuditEvent(tx, {
      actor,
      action: "request.cancelled",
      subjectType: "AccessRequest",
      subjectId: request.id,
      integrationId: request.integrationId,
      awsAccountId: request.account?.accountId ?? null,
      details: { accessLevel: request.accessLevel },
    });
    return { id: request.id, status: "CANCELLED" as const };
  });
}
