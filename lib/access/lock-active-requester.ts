import type { TTx } from "../audit/append-audit-event.ts";
import { AppError } from "../errors/app-error.ts";

/**
 * Inside a request-creating transaction (submit, extension): holds the requester's account FOR SHARE
 * until commit and refuses a disabled one. disableUser takes the same row FOR UPDATE first, so a request
 * either commits before the disable (which then cancels or revokes it) or sees the account disabled.
 * Take it before any other row lock (the order disableUser uses: user, then requests and grants).
 */
export async function lockActiveRequester(tx: TTx, userId: string) {
  const rows = await tx.$queryRaw<{ disabled: boolean }[]>`SELECT "disabled" FROM "User" WHERE "id" = ${userId} FOR SHARE`;
  if (!rows[0] || rows[0].disabled) throw new AppError("FORBIDDEN", { message: `user ${userId} is disabled`, userMessage: "Your portal account has been disabled." });
}
