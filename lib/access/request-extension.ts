import "server-only";
import { parseInput } from "../errors/parse-input.ts";
import { lockActiveRequester } from "./lock-users.ts";
import { z } from "zod";
import type { TDb } from "../db/client.ts";
import { AppError } from "../errors/app-error.ts";
import { kickWorker } from "../provisioning/kick-worker.ts";
import { loadRequestTarget, targetRefOfRequest } from "../catalog/load-request-target.ts";
import { createAccessRequestInTx, ZRequestDetails, type TRequestActor } from "./submit-access-request.ts";

export const ZRequestExtension = ZRequestDetails.omit({ accessLevel: true }).extend({
  grantId: z.string().trim().min(1).max(64),
});
export type TRequestExtension = z.input<typeof ZRequestExtension>;

/** Grant states in which access is live or about to be, so it can still be extended. */
const EXTENDABLE = ["APPROVED", "PROVISIONING", "ACTIVE"] as const;

/**
 * Asks for more time on one of the requester's own live grants: a new AccessRequest with
 * extendsGrantId, same target and level, evaluated against today's policies and approved like any other
 * request (approved, it moves the grant's expiry by `durationMinutes`). Another user's grant is
 * NOT_FOUND. Assumes the caller authenticated `actor`.
 */
export async function requestExtension(db: TDb, actor: TRequestActor, input: TRequestExtension, now = new Date()) {
  const data = parseInput(ZRequestExtension, input);
  const result = await db.$transaction(async (tx) => {
    // The requester's account, then the grant row, then the audit lock: the order disableUser, revokes and
    // the worker take them, so no lock-order deadlock with them.
    await lockActiveRequester(tx, actor.id);
    await tx.$queryRaw`SELECT "id" FROM "Grant" WHERE "id" = ${data.grantId} AND "userId" = ${actor.id} FOR UPDATE`;
    const grant = await tx.grant.findFirst({
      where: { id: data.grantId, userId: actor.id },
      include: { request: { include: { account: { select: { accountId: true } } } } },
    });
    if (!grant) throw new AppError("NOT_FOUND", { message: `grant ${data.grantId} not found for ${actor.id}`, userMessage: "Grant not found." });
    if (!(EXTENDABLE as readonly string[]).includes(grant.state) || grant.revokedById || grant.expiresAt <= now) {
      throw new AppError("CONFLICT", { message: `grant ${grant.id} is ${grant.state}`, userMessage: "This access has already ended; request it again from the catalog." });
    }
    const original = grant.request;
    const target = await loadRequestTarget(tx, targetRefOfRequest(original));
    return createAccessRequestInTx(tx, {
      actor,
      target,
      accessLevel: original.accessLevel,
      durationMinutes: data.durationMinutes,
      justification: data.justification,
      ticket: data.ticket,
      startsAt: null,
      extendsGrant: { id: grant.id, startsAt: grant.startsAt, expiresAt: grant.expiresAt },
      now,
    });
  });
  if (result.autoApproved) kickWorker("extension auto-approved");
  return { id: result.request.id, status: result.autoApproved ? ("APPROVED" as const) : ("PENDING" as const) };
}
