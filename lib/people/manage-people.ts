import "server-only";
import { z } from "zod";
import { appendAuditEvent, type TTx } from "../audit/append-audit-event.ts";
import type { TDb } from "../db/client.ts";
import { AppError } from "../errors/app-error.ts";
import { kickWorker } from "../provisioning/kick-worker.ts";

const ZUserId = z.string().trim().min(1).max(64);

export const ZDisableUser = z.object({
  userId: ZUserId,
  reason: z.string().trim().min(1, "Say why the account is disabled").max(500, "Reason is at most 500 characters"),
});
export const ZEnableUser = z.object({ userId: ZUserId });
export const ZEndUserSessions = z.object({ userId: ZUserId });
export type TDisableUser = z.input<typeof ZDisableUser>;

type TActor = { id: string; email: string };

/** Grant states in which the user holds access or is about to. */
const LIVE_GRANT_STATES = ["APPROVED", "PROVISIONING", "ACTIVE"] as const;

function parse<T extends z.ZodType>(schema: T, input: unknown): z.output<T> {
  const parsed = schema.safeParse(input);
  if (!parsed.success) throw new AppError("INVALID_INPUT", { message: parsed.error.message, userMessage: parsed.error.issues.map((i) => i.message).join("; ") });
  return parsed.data;
}

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
 * Offboards a person in one transaction: the account is disabled (sign-in refused, every request made
 * with an old session refused), every live session ends, their pending requests are cancelled, and every
 * grant they hold or are about to receive is revoked now (the worker removes the access from AWS and
 * verifies it, as for an admin's force revoke). Each change is audited in the same transaction; then
 * the worker is nudged. An admin cannot disable themselves (the portal must keep someone who can undo it).
 * Assumes the caller checked the admin role (adminAction).
 */
export async function disableUser(db: TDb, actor: TActor, input: TDisableUser, now = new Date()) {
  const { userId, reason } = parse(ZDisableUser, input);
  if (userId === actor.id) throw new AppError("CONFLICT", { message: "self-disable refused", userMessage: "You cannot disable your own account." });
  const result = await db.$transaction(async (tx) => {
    const user = await findUser(tx, userId);
    const flipped = await tx.user.updateMany({ where: { id: userId, disabled: false }, data: { disabled: true } });
    if (flipped.count === 0) throw new AppError("CONFLICT", { message: `user ${userId} already disabled`, userMessage: "This account is already disabled." });
    const sessionsEnded = await revokeSessions(tx, userId, now);

    const pending = await tx.accessRequest.findMany({ where: { requesterId: userId, status: "PENDING" }, select: { id: true, integrationId: true, account: { select: { accountId: true } } } });
    if (pending.length > 0) await tx.accessRequest.updateMany({ where: { id: { in: pending.map((r) => r.id) }, status: "PENDING" }, data: { status: "CANCELLED", decidedAt: now } });

    const grants = await tx.grant.findMany({
      where: { userId, state: { in: [...LIVE_GRANT_STATES] }, revokedById: null },
      select: { id: true, requestId: true, state: true, integrationId: true, awsAccountId: true },
    });
    const grantReason = `Account disabled: ${reason}`.slice(0, 500);
    if (grants.length > 0) {
      await tx.grant.updateMany({
        where: { id: { in: grants.map((g) => g.id) }, state: { in: [...LIVE_GRANT_STATES] }, revokedById: null },
        data: { expiresAt: now, revokedById: actor.id, revokeReason: grantReason, nextRunAt: now },
      });
    }

    await appendAuditEvent(tx, {
      actor,
      action: "user.disabled",
      subjectType: "User",
      subjectId: user.id,
      details: { email: user.email, reason, sessionsEnded, requestsCancelled: pending.length, grantsRevoked: grants.length },
    });
    for (const r of pending) {
      await appendAuditEvent(tx, { actor, action: "request.cancelled", subjectType: "AccessRequest", subjectId: r.id, integrationId: r.integrationId, awsAccountId: r.account?.accountId ?? null, details: { reason: "requester disabled" } });
    }
    for (const g of grants) {
      await appendAuditEvent(tx, { actor, action: "grant.force_revoked", subjectType: "Grant", subjectId: g.id, integrationId: g.integrationId, awsAccountId: g.awsAccountId, details: { requestId: g.requestId, reason: grantReason, state: g.state } });
    }
    return { userId, sessionsEnded, requestsCancelled: pending.length, grantsRevoked: grants.length };
  });
  if (result.grantsRevoked > 0) kickWorker("user disabled");
  return result;
}

/** Lets a disabled person sign in again. Nothing they lost (sessions, requests, grants) comes back. Audited. */
export async function enableUser(db: TDb, actor: TActor, input: z.input<typeof ZEnableUser>) {
  const { userId } = parse(ZEnableUser, input);
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
  const { userId } = parse(ZEndUserSessions, input);
  return db.$transaction(async (tx) => {
    const user = await findUser(tx, userId);
    const sessionsEnded = await revokeSessions(tx, userId, now);
    await appendAuditEvent(tx, { actor, action: "user.sessions_ended", subjectType: "User", subjectId: user.id, details: { email: user.email, sessionsEnded } });
    return { userId, sessionsEnded };
  });
}
