import { Prisma } from "../db/generated/client.ts";
import type { TTx } from "../audit/append-audit-event.ts";
import { AppError } from "../errors/app-error.ts";

export type TUserLock = { id: string; mode: "share" | "update" };
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
  for (const { id, mode } of locks) modes.set(id, modes.get(id) === "update" ? "update" : mode);
  const rows = new Map<string, TLockedUser>();
  for (const id of [...modes.keys()].sort()) {
    const clause = Prisma.raw(modes.get(id) === "update" ? "FOR UPDATE" : "FOR SHARE");
    const found = await tx.$queryRaw<TLockedUser[]>`SELECT "id", "email", "disabled" FROM "User" WHERE "id" = ${id} ${clause}`;
    if (found[0]) rows.set(id, found[0]);
  }
  return rows;
}

/**
 * Inside a request-creating transaction (submit, extension): holds the requester's account FOR SHARE
 * until commit and refuses a disabled one. disableUser takes the same row FOR UPDATE first, so a request
 * either commits before the disable (which then cancels or revokes it) or sees the account disabled.
 */
export async function lockActiveRequester(tx: TTx, userId: string) {
  const row = (await lockUsers(tx, [{ id: userId, mode: "share" }])).get(userId);
  if (!row || row.disabled) throw new AppError("FORBIDDEN", { message: `user ${userId} is disabled`, userMessage: "Your portal account has been disabled." });
}
