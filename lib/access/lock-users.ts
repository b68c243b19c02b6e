import { Prisma } from "../db/generated/client.ts";
import type { TTx } from "../audit/append-audit-event.ts";
import { AppError } from "../errors/app-error.ts";

/**
 * share: FOR SHARE (others may read-lock it too); exclusive: FOR NO KEY UPDATE (one at a time, yet rows
 * that merely reference the user, such as audit events and sessions, can still be inserted meanwhile);
 * update: FOR UPDATE (before changing the row itself).
 */
export type TUserLock = { id: string; mode: "share" | "exclusive" | "update" };
const CLAUSE = { share: "FOR SHARE", exclusive: "FOR NO KEY UPDATE", update: "FOR UPDATE" } as const;
const STRENGTH = { share: 0, exclusive: 1, update: 2 } as const;
export type TLockedUser = { id: string; email: string; disabled: boolean };

/**
 * Locks portal accounts (User rows) until commit, always in id order, so any two transactions that lock
 * an overlapping set of users cannot deadlock on each other. Every transaction that must serialize with
 * disableUser takes its user rows through here, before any other row lock (disableUser's order: users,
 * then requests and grants). The same id asked twice is locked once, in the stronger mode. Returns the
 * rows found by id; an unknown id is simply absent.
 */
export async function lockUsers(tx: TTx, locks: readonly TUserLock[]) {
  const modes = new Map<string, TUserLock["mode"]>();
  for (const { id, mode } of locks) {
    const had = modes.get(id);
    modes.set(id, had && STRENGTH[had] > STRENGTH[mode] ? had : mode);
  }
  const rows = new Map<string, TLockedUser>();
  for (const id of [...modes.keys()].sort()) {
    const clause = Prisma.raw(CLAUSE[modes.get(id)!]);
    const found = await tx.$queryRaw<TLockedUser[]>`SELECT "id", "email", "disabled" FROM "User" WHERE "id" = ${id} ${clause}`;
    if (found[0]) rows.set(id, found[0]);
  }
  return rows;
}

/**
 * Inside a transaction that creates or approves access for a requester (submit, extension, decide): holds
 * the requester's account exclusively until commit and refuses a disabled one. Exclusive, so one person's
 * submissions and approvals run one at a time and each sees what the one before committed: the duplicate
 * check and the booking limit (bookingOverrun) cannot both pass for two requests sent at once. disableUser
 * takes the same row FOR UPDATE first, so a request either commits before the disable (which then cancels
 * or revokes it) or sees the account disabled.
 */
export async function lockActiveRequester(tx: TTx, userId: string) {
  const row = (await lockUsers(tx, [{ id: userId, mode: "exclusive" }])).get(userId);
  if (!row || row.disabled) throw new AppError("FORBIDDEN", { message: `user ${userId} is disabled`, userMessage: "Your portal account has been disabled." });
}
