import "server-only";
import { parseInput } from "../errors/parse-input.ts";
import { lockActiveRequester } from "./lock-users.ts";
import { z } from "zod";
import type { TDb } from "../db/client.ts";
import type { TTx } from "../audit/append-audit-event.ts";
import { appendAuditEvent } from "../audit/append-audit-event.ts";
import { AppError } from "../errors/app-error.ts";
import { kickWorker } from "../provisioning/kick-worker.ts";
import { loadEligibilityContext } from "../catalog/load-eligibility-context.ts";
import { loadRequestTarget, ZTargetRef, type TRequestTarget, type TTargetRef } from "../catalog/load-request-target.ts";
import { AccessError } from "./access-error";
import { buildGrantPermissions } from "./build-grant-permissions";
import { evaluatePolicies } from "./evaluate-policies";
import { bookingOverrun, extensionOverrun } from "./extension-limit.ts";
import { findHeldGrants } from "./held-grants.ts";
import { finalizeApproval } from "./finalize-approval.ts";
import { POLICY_MAX_DURATION_MINUTES, POLICY_MIN_DURATION_MINUTES } from "./policy-schemas";

/** How far ahead a request may be scheduled to start. */
export const MAX_SCHEDULE_AHEAD_DAYS = 30;

/** Fields shared by a new request and an extension; the client form uses the same bounds. */
export const ZRequestDetails = z.object({
  accessLevel: z.string().trim().min(1, "Choose an access level").max(64),
  durationMinutes: z.coerce
    .number({ error: "Duration must be a number of minutes" })
    .int("Duration must be whole minutes")
    .min(POLICY_MIN_DURATION_MINUTES, `Duration must be at least ${POLICY_MIN_DURATION_MINUTES} minutes`)
    .max(POLICY_MAX_DURATION_MINUTES, "Duration is at most 30 days"),
  justification: z.string().trim().max(2000, "Justification is at most 2000 characters").default(""),
  ticket: z
    .string()
    .trim()
    .max(200, "Ticket references are at most 200 characters")
    .nullish()
    .transform((value) => (value ? value : null)),
});

export const ZSubmitAccessRequest = ZRequestDetails.extend({
  target: ZTargetRef,
  /** Absent or null: start as soon as approved. */
  startsAt: z.coerce.date({ error: "Start time is not a valid date" }).nullish(),
});
export type TSubmitAccessRequest = z.input<typeof ZSubmitAccessRequest>;

export type TRequestActor = { id: string; email: string };

type TCreateOptions = {
  actor: TRequestActor;
  target: TRequestTarget;
  accessLevel: string;
  durationMinutes: number;
  justification: string;
  ticket: string | null;
  startsAt: Date | null;
  /** The grant an extension moves (null for a new request): the policy's maximum bounds the time it has ahead (extension-limit.ts). */
  extendsGrant: { id: string; startsAt: Date; expiresAt: Date } | null;
  now: Date;
};

/** Turns the pure modules' refusal into the house error, keeping its browser-safe message. */
export function toAppError(error: unknown): unknown {
  if (error instanceof AccessError) {
    return new AppError("INVALID_INPUT", { message: error.message, userMessage: error.userMessage, cause: error });
  }
  return error;
}

function ineligible(reasons: string[]): AppError {
  return new AppError("FORBIDDEN", {
    message: `request refused: ${reasons.join("; ")}`,
    userMessage: `You cannot request this: ${reasons.join("; ")}.`,
    details: { reasons },
  });
}

/**
 * Evaluates and records one request (new or extension) inside `tx`: eligibility from the policies in the
 * database (never the client's word), the exact policy document, the frozen approval rules, the audit
 * event; auto-approved requests are finalized in the same transaction. Returns the request and whether it
 * was approved. Assumes the caller authenticated `actor`.
 */
export async function createAccessRequestInTx(tx: TTx, options: TCreateOptions) {
  const { actor, target, now } = options;
  await lockActiveRequester(tx, actor.id);
  const context = await loadEligibilityContext(tx, actor.email, target.integrationId);
  const evaluation = evaluatePolicies(context.policies, target.evaluation, context.requester, {
    accessLevel: options.accessLevel,
    durationMinutes: options.durationMinutes,
    justification: options.justification,
    ticket: options.ticket,
  });
  if (!evaluation.eligible) throw ineligible(evaluation.reasons);
  const principal = context.identity.principal;
  if (!principal) throw ineligible(["Your portal account is not linked to an IAM Identity Center user"]);

  let policyDocument: string | null = null;
  try {
    const permissions = buildGrantPermissions(target.grantTarget, options.accessLevel);
    if (permissions.grantKind === "TEMP_PERMISSION_SET") {
      policyDocument = permissions.inlinePolicy ?? JSON.stringify({ customerManagedPolicies: permissions.customerManagedPolicies });
    }
  } catch (error) {
    throw toAppError(error);
  }

  const pendingDuplicate = await tx.accessRequest.findFirst({
    where: {
      requesterId: actor.id,
      status: "PENDING",
      targetType: target.targetType === "PERMISSION_SET" || target.targetType === "GROUP" ? target.targetType : "RESOURCE",
      resourceId: target.resourceId,
      permissionSetId: target.permissionSetId,
      accountId: target.accountRowId,
      groupId: target.groupId,
      accessLevel: options.accessLevel,
      extendsGrantId: options.extendsGrant?.id ?? null,
      // One past its deadline can no longer be decided (the housekeeping tick closes it soon): it blocks nothing.
      OR: [{ pendingExpiresAt: null }, { pendingExpiresAt: { gt: now } }],
    },
    select: { id: true },
  });
  if (pendingDuplicate) {
    throw new AppError("CONFLICT", {
      message: `duplicate pending request ${pendingDuplicate.id}`,
      userMessage: "You already have a pending request for this access. Cancel it first, or wait for the decision.",
    });
  }

  const { effective } = evaluation;
  if (options.extendsGrant) {
    const overrun = extensionOverrun(options.extendsGrant, options.durationMinutes, effective.maxDurationMinutes, now);
    if (overrun) throw ineligible([overrun.userMessage]);
  }
  // Other access held or booked on this target and level: a new booking next to it, or an extension that
  // reaches it, is bounded like an extension (bookingOverrun).
  const held = await findHeldGrants(
    tx,
    actor.id,
    { resourceId: target.resourceId, permissionSetId: target.permissionSetId, accountId: target.accountRowId, groupId: target.groupId, accessLevel: options.accessLevel },
    now,
    options.extendsGrant?.id,
  );
  const window = options.extendsGrant
    ? { startsAt: options.extendsGrant.startsAt, expiresAt: new Date(options.extendsGrant.expiresAt.getTime() + options.durationMinutes * 60_000) }
    : { startsAt: options.startsAt ?? now, expiresAt: new Date((options.startsAt ?? now).getTime() + options.durationMinutes * 60_000) };
  const overrun = bookingOverrun(held, window, effective.maxDurationMinutes, now);
  if (overrun) throw ineligible([overrun.userMessage]);
  const request = await tx.accessRequest.create({
    data: {
      integrationId: target.integrationId,
      requesterId: actor.id,
      // The worker gives access to the Identity Center UserId (Principal.awsId): Grant.principalId is
      // copied from here. Policy evaluation uses Principal ids and re-resolves them from the email.
      requesterPrincipalId: principal.awsId,
      targetType: target.targetType === "PERMISSION_SET" || target.targetType === "GROUP" ? target.targetType : "RESOURCE",
      resourceId: target.resourceId,
      permissionSetId: target.permissionSetId,
      accountId: target.accountRowId,
      groupId: target.groupId,
      targetSnapshot: target.snapshot,
      accessLevel: options.accessLevel,
      policyDocument,
      durationMinutes: options.durationMinutes,
      startsAt: options.startsAt,
      justification: options.justification,
      ticket: options.ticket,
      policyId: effective.governingPolicyId,
      policySnapshot: {
        ...effective,
        matchedPolicyIds: evaluation.matchedPolicyIds,
        requesterPrincipalRowId: principal.id,
        evaluatedAt: now.toISOString(),
      },
      extendsGrantId: options.extendsGrant?.id ?? null,
      pendingExpiresAt: new Date(now.getTime() + effective.pendingTimeoutMinutes * 60_000),
    },
  });
  await appendAuditEvent(tx, {
    actor: { id: actor.id, email: actor.email },
    action: options.extendsGrant ? "request.extension_submitted" : "request.submitted",
    subjectType: "AccessRequest",
    subjectId: request.id,
    integrationId: target.integrationId,
    awsAccountId: target.snapshot.accountId,
    details: {
      targetType: target.snapshot.type,
      target: target.snapshot.name,
      accessLevel: options.accessLevel,
      durationMinutes: options.durationMinutes,
      startsAt: options.startsAt?.toISOString() ?? null,
      ticket: options.ticket,
      autoApprove: effective.autoApprove,
      policyIds: evaluation.matchedPolicyIds,
      ...(options.extendsGrant ? { extendsGrantId: options.extendsGrant.id } : {}),
    },
  });
  if (effective.autoApprove) await finalizeApproval(tx, request.id, "system", now);
  return { request, autoApproved: effective.autoApprove };
}

function checkStart(startsAt: Date | null | undefined, now: Date): Date | null {
  if (!startsAt) return null;
  if (startsAt.getTime() < now.getTime() - 60_000) {
    throw new AppError("INVALID_INPUT", { message: "start in the past", userMessage: "The start time is in the past; choose a later time or start now." });
  }
  if (startsAt.getTime() > now.getTime() + MAX_SCHEDULE_AHEAD_DAYS * 86_400_000) {
    throw new AppError("INVALID_INPUT", { message: "start too far ahead", userMessage: `The start time can be at most ${MAX_SCHEDULE_AHEAD_DAYS} days ahead.` });
  }
  return startsAt <= now ? null : startsAt;
}

/**
 * Submits an access request for the signed-in user. Validates the input, re-checks eligibility on the
 * server, snapshots the target and the effective approval rules, writes the audit event, and (for
 * auto-approved requests) creates the grant, all in one transaction; then nudges the worker.
 * Assumes the caller authenticated `actor` (the action client); the requester is always `actor`.
 */
export async function submitAccessRequest(db: TDb, actor: TRequestActor, input: TSubmitAccessRequest, now = new Date()) {
  const data = parseInput(ZSubmitAccessRequest, input);
  const startsAt = checkStart(data.startsAt, now);
  const result = await db.$transaction(async (tx) => {
    // createAccessRequestInTx locks the requester first thing; loadRequestTarget takes no row lock.
    const target = await loadRequestTarget(tx, data.target as TTargetRef);
    return createAccessRequestInTx(tx, {
      actor,
      target,
      accessLevel: data.accessLevel,
      durationMinutes: data.durationMinutes,
      justification: data.justification,
      ticket: data.ticket,
      startsAt,
      extendsGrant: null,
      now,
    });
  });
  if (result.autoApproved) kickWorker("request auto-approved");
  return { id: result.request.id, status: result.autoApproved ? ("APPROVED" as const) : ("PENDING" as const) };
}
