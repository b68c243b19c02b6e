import "server-only";
import { z } from "zod";
import { appendAuditEvent, type TTx } from "../audit/append-audit-event.ts";
import type { TDb } from "../db/client.ts";
import { AppError } from "../errors/app-error.ts";
import { parseInput } from "../errors/parse-input.ts";
import { kickWorker } from "../provisioning/kick-worker.ts";
import { nextStepAfterDecision } from "../access/approval-steps.ts";
import { ZApprovalSteps } from "../access/policy-schemas.ts";
import { lockUsers } from "../access/lock-users.ts";

const ZUserId = z.string().trim().min(1).max(64);

export const ZDisableUser = z.object({
  userId: ZUserId,
  reason: z.string().trim().min(1, "Say why the account is disabled").max(500, "Reason is at most 500 characters"),
});
export const ZEnableUser = z.object({ userId: ZUserId });
export const ZEndUserSessions = z.object({ userId: ZUserId });
export const ZResetSignInLink = z.object({ userId: ZUserId });
export type TDisableUser = z.input<typeof ZDisableUser>;

type TActor = { id: string; email: string };

/** Grant states in which the user holds access or is about to. */
const LIVE_GRANT_STATES = ["APPROVED", "PROVISIONING", "ACTIVE"] as const;

async function findUser(tx: TTx, userId: string) {
  const user = await tx.user.findUnique({ where: { id: userId }, select: { id: true, email: true, disabled: true } });
  if (!user) throw new AppError("NOT_FOUND", { message: `user ${userId} not found`, userMessage: "User not found." });
  return user;
}

async function revokeSessions(tx: TTx, userId: string, now: Date) {
  const out = await tx.session.updateMany({ where: { userId, revokedAt: null, expiresAt: { gt: now } }, data: { revokedAt: now } });
  return out.count;
}

/**
 * Locks portal accounts in id order (the actor FOR SHARE, the subject FOR UPDATE), so two admins disabling
 * each other at the same moment cannot both succeed, and request submissions (which hold their requester
 * FOR SHARE, lockActiveRequester) serialize with the disable. Refuses an actor disabled meanwhile.
 */
async function lockActorAndSubject(tx: TTx, actorId: string, userId: string) {
  const rows = await lockUsers(tx, [
    { id: actorId, mode: "share" },
    { id: userId, mode: "update" },
  ]);
  const me = rows.get(actorId);
  if (!me || me.disabled) throw new AppError("FORBIDDEN", { message: `actor ${actorId} is disabled`, userMessage: "Your own account has been disabled." });
  const user = rows.get(userId);
  if (!user) throw new AppError("NOT_FOUND", { message: `user ${userId} not found`, userMessage: "User not found." });
  return user;
}

/**
 * Takes back the approvals a person gave on requests still pending: a disabled (perhaps compromised)
 * account's vote must not count toward a quorum completed later. Each request is locked, the votes are
 * removed (the audit log keeps them: approval.approved, then approval.withdrawn), and the request's step
 * moves back when its quorum no longer holds.
 */
async function withdrawApprovals(tx: TTx, actor: TActor, user: { id: string; email: string }) {
  const voted = await tx.$queryRaw<{ id: string }[]>`
    SELECT r."id" FROM "AccessRequest" r
    WHERE r."status" = 'PENDING'
      AND EXISTS (SELECT 1 FROM "Approval" a WHERE a."requestId" = r."id" AND a."approverId" = ${user.id} AND a."decision" = 'APPROVE')
    ORDER BY r."id" FOR UPDATE`;
  for (const { id } of voted) {
    const request = await tx.accessRequest.findUniqueOrThrow({
      where: { id },
      select: { id: true, status: true, currentStep: true, policySnapshot: true, requesterId: true, integrationId: true, account: { select: { accountId: true } } },
    });
    if (request.status !== "PENDING") continue;
    const removed = await tx.approval.deleteMany({ where: { requestId: id, approverId: user.id, decision: "APPROVE" } });
    if (removed.count === 0) continue;
    let toStep = request.currentStep;
    const steps = ZApprovalSteps.safeParse((request.policySnapshot as { approvalSteps?: unknown } | null)?.approvalSteps);
    if (steps.success && steps.data.length > 0) {
      const decisions = await tx.approval.findMany({ where: { requestId: id }, select: { step: true, decision: true, approverId: true } });
      const progress = nextStepAfterDecision(steps.data, decisions, { requesterUserId: request.requesterId });
      if (progress.status === "PENDING") toStep = progress.currentStep;
    }
    if (toStep !== request.currentStep) await tx.accessRequest.update({ where: { id }, data: { currentStep: toStep } });
    await appendAuditEvent(tx, {
      actor,
      action: "approval.withdrawn",
      subjectType: "AccessRequest",
      subjectId: id,
      integrationId: request.integrationId,
      awsAccountId: request.account?.accountId ?? null,
      details: { approverEmail: user.email, reason: "approver disabled", approvals: removed.count, fromStep: request.currentStep, toStep },
    });
  }
  return voted.length;
}

/**
 * Offboards a person in one transaction: the account is disabled (sign-in refused, every request made
 * with an old session refused), every live session ends, their pending requests are cancelled, the
 * approvals they gave on requests still pending are withdrawn, and every grant they hold or are about to
 * receive is revoked now (the worker removes the access from AWS and verifies it, as for an admin's force
 * revoke). Only what actually changed is counted and audited, in the same transaction; then the worker is
 * nudged. An admin cannot disable themselves (the portal must keep someone who can undo it).
 * Assumes the caller checked the admin role (adminAction).
 */
export async function disableUser(db: TDb, actor: TActor, input: TDisableUser, now = new Date()) {
  const { userId, reason } = parseInput(ZDisableUser, input);
  if (userId === actor.id) throw new AppError("CONFLICT", { message: "self-disable refused", userMessage: "You cannot disable your own account." });
  const result = await db.$transaction(async (tx) => {
    const user = await lockActorAndSubject(tx, actor.id, userId);
    if (user.disabled) throw new AppError("CONFLICT", { message: `user ${userId} already disabled`, userMessage: "This account is already disabled." });
    await tx.user.update({ where: { id: userId }, data: { disabled: true } });
    const sessionsEnded = await revokeSessions(tx, userId, now);

    // updateManyAndReturn: a row someone else moved meanwhile (decided, expired) is neither counted nor audited.
    const cancelled = await tx.accessRequest.updateManyAndReturn({
      where: { requesterId: userId, status: "PENDING" },
      data: { status: "CANCELLED", decidedAt: now },
      select: { id: true, integrationId: true, accountId: true },
    });
    // By code point: a cut in the middle of an emoji would leave half of it.
    const grantReason = Array.from(`Account disabled: ${reason}`).slice(0, 500).join("");
    const revoked = await tx.grant.updateManyAndReturn({
      where: { userId, state: { in: [...LIVE_GRANT_STATES] }, revokedById: null },
      data: { expiresAt: now, revokedById: actor.id, revokeReason: grantReason, nextRunAt: now },
      select: { id: true, requestId: true, state: true, integrationId: true, awsAccountId: true },
    });
    const approvalsWithdrawn = await withdrawApprovals(tx, actor, user);

    await appendAuditEvent(tx, {
      actor,
      action: "user.disabled",
      subjectType: "User",
      subjectId: user.id,
      details: { email: user.email, reason, sessionsEnded, requestsCancelled: cancelled.length, grantsRevoked: revoked.length, approvalsWithdrawn },
    });
    const accountIds = new Map(
      (await tx.account.findMany({ where: { id: { in: cancelled.flatMap((r) => (r.accountId ? [r.accountId] : [])) } }, select: { id: true, accountId: true } })).map((a) => [a.id, a.accountId]),
    );
    for (const r of cancelled) {
      await appendAuditEvent(tx, {
        actor,
        action: "request.cancelled",
        subjectType: "AccessRequest",
        subjectId: r.id,
        integrationId: r.integrationId,
        awsAccountId: r.accountId ? (accountIds.get(r.accountId) ?? null) : null,
        details: { reason: "requester disabled" },
      });
    }
    for (const g of revoked) {
      await appendAuditEvent(tx, { actor, action: "grant.force_revoked", subjectType: "Grant", subjectId: g.id, integrationId: g.integrationId, awsAccountId: g.awsAccountId, details: { requestId: g.requestId, reason: grantReason, state: g.state } });
    }
    return { userId, sessionsEnded, requestsCancelled: cancelled.length, grantsRevoked: revoked.length, approvalsWithdrawn };
  });
  if (result.grantsRevoked > 0) kickWorker("user disabled");
  return result;
}

/** Lets a disabled person sign in again. Nothing they lost (sessions, requests, grants) comes back. Audited. */
export async function enableUser(db: TDb, actor: TActor, input: z.input<typeof ZEnableUser>) {
  const { userId } = parseInput(ZEnableUser, input);
  return db.$transaction(async (tx) => {
    const user = await findUser(tx, userId);
    const flipped = await tx.user.updateMany({ where: { id: userId, disabled: true }, data: { disabled: false } });
    if (flipped.count === 0) throw new AppError("CONFLICT", { message: `user ${userId} not disabled`, userMessage: "This account is not disabled." });
    await appendAuditEvent(tx, { actor, action: "user.enabled", subjectType: "User", subjectId: user.id, details: { email: user.email } });
    return { userId };
  });
}

/**
 * Ends every live session of a person (a lost laptop, a leaked cookie): their next request needs a new
 * sign-in. Their access in AWS is untouched. Ending one's own sessions is allowed (it signs this browser
 * out too). Audited with the number ended.
 */
export async function endUserSessions(db: TDb, actor: TActor, input: z.input<typeof ZEndUserSessions>, now = new Date()) {
  const { userId } = parseInput(ZEndUserSessions, input);
  return db.$transaction(async (tx) => {
    const user = await findUser(tx, userId);
    const sessionsEnded = await revokeSessions(tx, userId, now);
    await appendAuditEvent(tx, { actor, action: "user.sessions_ended", subjectType: "User", subjectId: user.id, details: { email: user.email, sessionsEnded } });
    return { userId, sessionsEnded };
  });
}

/**
 * Unbinds a person's email from the identity-provider account that first signed in with it (User.idpSubject),
 * for a legitimate change (IdP migration, account recreated): the next single sign-on with this email binds
 * again. Audited with the binding that was removed. Assumes the caller checked the admin role (adminAction).
 */
export async function resetSignInLink(db: TDb, actor: TActor, input: z.input<typeof ZResetSignInLink>) {
  const { userId } = parseInput(ZResetSignInLink, input);
  return db.$transaction(async (tx) => {
    const user = await tx.user.findUnique({ where: { id: userId }, select: { id: true, email: true, idpSubject: true } });
    if (!user) throw new AppError("NOT_FOUND", { message: `user ${userId} not found`, userMessage: "User not found." });
    const reset = await tx.user.updateMany({ where: { id: userId, idpSubject: user.idpSubject, NOT: { idpSubject: null } }, data: { idpSubject: null } });
    if (reset.count === 0) throw new AppError("CONFLICT", { message: `user ${userId} not linked`, userMessage: "This person's sign-in is not linked to an identity-provider account (or was just reset)." });
    await appendAuditEvent(tx, { actor, action: "user.sign_in_link_reset", subjectType: "User", subjectId: user.id, details: { email: user.email, previous: user.idpSubject } });
    return { userId };
  });
}
