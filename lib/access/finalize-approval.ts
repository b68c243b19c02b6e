import "server-only";
import type { GrantKind } from "../db/generated/client.ts";
import { appendAuditEvent, type TAuditActor, type TTx } from "../audit/append-audit-event.ts";
import { AppError } from "../errors/app-error.ts";
import { bookingOverrun, extensionOverrun } from "./extension-limit.ts";
import { findHeldGrants } from "./held-grants.ts";

const KIND_BY_TARGET: Record<"RESOURCE" | "PERMISSION_SET" | "GROUP", GrantKind> = {
  RESOURCE: "TEMP_PERMISSION_SET",
  PERMISSION_SET: "PERMISSION_SET_ASSIGNMENT",
  GROUP: "GROUP_MEMBERSHIP",
};

/**
 * Marks a PENDING request APPROVED and hands the worker its grant, in the caller's transaction:
 * a new Grant in state APPROVED (due at the request's start), or, for an extension request, the
 * extended grant's expiry moved later (no re-provisioning). Writes the audit events.
 *
 * Assumes the caller already decided the request may be approved (quorum met, or auto-approval by
 * policy) and authorised the actor. The conditional update makes a late or repeated call a no-op
 * that throws CONFLICT. Call kickWorker() after the transaction commits.
 */
export async function finalizeApproval(tx: TTx, requestId: string, actor: TAuditActor, now = new Date()) {
  const updated = await tx.accessRequest.updateMany({
    where: { id: requestId, status: "PENDING" },
    data: { status: "APPROVED", decidedAt: now },
  });
  if (updated.count !== 1) throw new AppError("CONFLICT", { message: `request ${requestId} is no longer pending`, userMessage: "This request was already decided." });
  const request = await tx.accessRequest.findUniqueOrThrow({
    where: { id: requestId },
    include: { account: true, permissionSet: true, group: true },
  });
  const frozenMax = (request.policySnapshot as { maxDurationMinutes?: unknown } | null)?.maxDurationMinutes;
  const maxDurationMinutes = typeof frozenMax === "number" ? frozenMax : null;
  await appendAuditEvent(tx, {
    actor,
    action: "request.approved",
    subjectType: "AccessRequest",
    subjectId: request.id,
    integrationId: request.integrationId,
    awsAccountId: request.account?.accountId ?? null,
    details: { targetType: request.targetType, accessLevel: request.accessLevel, durationMinutes: request.durationMinutes },
  });

  if (request.extendsGrantId) {
    const grant = await tx.grant.findUniqueOrThrow({ where: { id: request.extendsGrantId } });
    // A revoke (revokedById, expiry moved to now) or an expiry the worker has not processed yet has
    // already ended this access: extending it would undo the revoke.
    if (!["APPROVED", "PROVISIONING", "ACTIVE"].includes(grant.state) || grant.revokedById || grant.expiresAt <= now) {
      throw new AppError("CONFLICT", { message: `grant ${grant.id} is ${grant.state}${grant.revokedById ? " (revoked)" : ""}`, userMessage: "The access this extends has already ended." });
    }
    // Time has passed and another extension or booking may have landed since submission: re-check the
    // frozen maximum, for this grant alone and next to the requester's other access on the same target.
    const expiresAt = new Date(grant.expiresAt.getTime() + request.durationMinutes * 60_000);
    const overrun =
      maxDurationMinutes === null
        ? null
        : (extensionOverrun(grant, request.durationMinutes, maxDurationMinutes, now) ??
          bookingOverrun(await findHeldGrants(tx, request.requesterId, request, now, grant.id), { startsAt: grant.startsAt, expiresAt }, maxDurationMinutes, now));
    if (overrun) {
      throw new AppError("CONFLICT", { message: `extension ${request.id} would pass the policy maximum`, userMessage: `${overrun.userMessage}. Deny this extension; the requester can ask again.` });
    }
    // Conditional: a grant revoked or revoking since the read above must not be extended. An active temporary
    // permission set is due for the worker at once, which moves the set's expires-at tag to the new expiry.
    const retag = grant.state === "ACTIVE" && grant.kind === "TEMP_PERMISSION_SET";
    const moved = await tx.grant.updateMany({
      where: { id: grant.id, state: { in: ["APPROVED", "PROVISIONING", "ACTIVE"] }, revokedById: null, expiresAt: { equals: grant.expiresAt, gt: now } },
      data: { expiresAt, ...(retag ? { nextRunAt: now } : {}) },
    });
    if (moved.count !== 1) throw new AppError("CONFLICT", { message: `grant ${grant.id} changed while extending`, userMessage: "The access this extends has already ended." });
    const extended = await tx.grant.findUniqueOrThrow({ where: { id: grant.id } });
    await appendAuditEvent(tx, {
      actor,
      action: "grant.extended",
      subjectType: "Grant",
      subjectId: grant.id,
      integrationId: grant.integrationId,
      awsAccountId: grant.awsAccountId,
      details: { requestId: request.id, from: grant.expiresAt.toISOString(), to: expiresAt.toISOString() },
    });
    return extended;
  }

  const startsAt = request.startsAt && request.startsAt > now ? request.startsAt : now;
  const window = { startsAt, expiresAt: new Date(startsAt.getTime() + request.durationMinutes * 60_000) };
  // Submission checked the window it would have had then; approved later, it runs later and may now reach
  // access the requester booked meanwhile (or a pending extension approved first).
  const overrun = maxDurationMinutes === null ? null : bookingOverrun(await findHeldGrants(tx, request.requesterId, request, now), window, maxDurationMinutes, now);
  if (overrun) {
    throw new AppError("CONFLICT", { message: `request ${request.id} would pass the policy maximum next to held access`, userMessage: `${overrun.userMessage}. Deny this request; the requester can ask again.` });
  }
  const grant = await tx.grant.create({
    data: {
      requestId: request.id,
      integrationId: request.integrationId,
      userId: request.requesterId,
      kind: KIND_BY_TARGET[request.targetType],
      state: "APPROVED",
      // The worker resolves the Identity Center UserId itself (GetUserId by email), so a user
      // re-created in the identity store since the request still gets the access.
      principalId: null,
      awsAccountId: request.account?.accountId ?? null,
      permissionSetArn: request.targetType === "PERMISSION_SET" ? (request.permissionSet?.arn ?? null) : null,
      permissionSetName: request.targetType === "PERMISSION_SET" ? (request.permissionSet?.name ?? null) : null,
      groupAwsId: request.targetType === "GROUP" ? (request.group?.awsId ?? null) : null,
      startsAt,
      expiresAt: window.expiresAt,
      nextRunAt: startsAt,
    },
  });
  await appendAuditEvent(tx, {
    actor,
    action: "grant.created",
    subjectType: "Grant",
    subjectId: grant.id,
    integrationId: grant.integrationId,
    awsAccountId: grant.awsAccountId,
    details: { requestId: request.id, kind: grant.kind, startsAt: grant.startsAt.toISOString(), expiresAt: grant.expiresAt.toISOString() },
  });
  return grant;
}
