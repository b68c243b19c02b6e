import "server-only";
import { lockUsers } from "./lock-users.ts";
import { parseInput } from "../errors/parse-input.ts";
import { z } from "zod";
import { Prisma } from "../db/generated/client.ts";
import type { TDb } from "../db/client.ts";
import { appendAuditEvent } from "../audit/append-audit-event.ts";
import { AppError } from "../errors/app-error.ts";
import { approvalBlocker } from "./target-availability.ts";
import { deliverNotifications, type TOutboundMessage } from "../notifications/deliver-notifications.ts";
import type { TNotificationChannels } from "../notifications/notification-channels.ts";
import { recordRequestNotifications } from "../notifications/record-request-notifications.ts";
import { kickWorker } from "../provisioning/kick-worker.ts";
import { canDecide, nextStepAfterDecision } from "./approval-steps.ts";
import { finalizeApproval } from "./finalize-approval.ts";
import { ZApprovalSteps } from "./policy-schemas.ts";
import { normalizeRequesterPrincipalId } from "./normalize-requester-principal-id.ts";
import { resolvePortalIdentity } from "./resolve-portal-identity.ts";

export const MAX_DECISION_COMMENT = 2000;

export const ZDecideAccessRequest = z
  .object({
    requestId: z.string().trim().min(1, "Request id is required").max(64),
    /** The step the approver saw: a decision never lands on a step they did not look at. */
    step: z.number().int().min(0).max(50),
    decision: z.enum(["APPROVE", "DENY"]),
    comment: z
      .string()
      .trim()
      .max(MAX_DECISION_COMMENT, `Comments are at most ${MAX_DECISION_COMMENT} characters`)
      .nullish()
      .transform((value) => (value ? value : null)),
  })
  .superRefine((input, ctx) => {
    if (input.decision === "DENY" && input.comment === null) {
      ctx.addIssue({ code: "custom", message: "Say why you deny it: the requester sees your comment", path: ["comment"] });
    }
  });
export type TDecideAccessRequest = z.input<typeof ZDecideAccessRequest>;

export type TDecisionOutcome = {
  requestId: string;
  /** RECORDED: counted, the step still needs more approvals; ADVANCED: on to the next step. */
  outcome: "RECORDED" | "ADVANCED" | "APPROVED" | "DENIED";
  message: string;
};

const STATUS_MESSAGES: Record<string, string> = {
  APPROVED: "This request was already approved. Nothing changed.",
  DENIED: "This request was already denied. Nothing changed.",
  CANCELLED: "This request was cancelled (by the requester, or because their account was disabled). Nothing changed.",
  TIMED_OUT: "This request timed out before it was decided. Nothing changed.",
};

/**
 * Records one approver's decision on a pending request and moves the request on (next step, approved,
 * or denied) in one transaction, then notifies and nudges the worker after commit.
 *
 * Assumes only that `approver` is an authenticated portal user: whether they may decide this request at
 * this step is checked here against the policy snapshot frozen at submission (never against the live
 * policy), as is self-approval. Deciders of one request are serialized by a row lock, and every state
 * change is conditional on the status and step seen, so concurrent approvals never double-advance.
 */
export async function decideAccessRequest(
  db: TDb,
  approver: { id: string; email: string; name: string | null },
  rawInput: TDecideAccessRequest,
  options: {
    now?: Date;
    channels?: TNotificationChannels;
    /** Runs post-commit delivery; the server action passes Next's after() so approvers never wait on SMTP. Default: awaited inline. */
    defer?: (task: () => Promise<unknown>) => void;
  } = {},
): Promise<TDecisionOutcome> {
  const input = parseInput(ZDecideAccessRequest, rawInput);
  const now = options.now ?? new Date();
  const actor = { id: approver.id, email: approver.email };
  const approverName = approver.name ?? approver.email;

  let outbound: TOutboundMessage[] = [];
  let result: TDecisionOutcome;
  try {
    result = await db.$transaction(async (tx) => {
      // The requester's and the approver's accounts first (in id order; disableUser locks users before
      // requests too): a decision and either one's disable serialize. The disable then sees the approved
      // grant (and revokes it) or the vote (and withdraws it); or the decision sees the account disabled
      // (approvalBlocker for the requester, the check below for the approver). The requester exclusively,
      // like a submission: approvals of their requests, and their own submissions, go one at a time, so
      // finalizeApproval's booking limit sees every grant committed before it.
      const owner = await tx.accessRequest.findUnique({ where: { id: input.requestId }, select: { requesterId: true } });
      if (!owner) throw new AppError("NOT_FOUND", { userMessage: "This request does not exist." });
      const users = await lockUsers(tx, [
        { id: owner.requesterId, mode: "exclusive" },
        { id: approver.id, mode: "share" },
      ]);
      const me = users.get(approver.id);
      if (!me || me.disabled) throw new AppError("FORBIDDEN", { message: `approver ${approver.id} is disabled`, userMessage: "Your portal account has been disabled." });
      // Serializes deciders of this one request: the second one re-reads what the first committed.
      const locked = await tx.$queryRaw<{ id: string }[]>`SELECT "id" FROM "AccessRequest" WHERE "id" = ${input.requestId} FOR UPDATE`;
      if (locked.length === 0) throw new AppError("NOT_FOUND", { userMessage: "This request does not exist." });
      const request = await tx.accessRequest.findUniqueOrThrow({
        where: { id: input.requestId },
        include: { account: { select: { accountId: true } } },
      });
      // An extension moves its grant: lock that row before the audit lock, the order revokes and the worker use.
      if (request.extendsGrantId) await tx.$queryRaw`SELECT "id" FROM "Grant" WHERE "id" = ${request.extendsGrantId} FOR UPDATE`;

      if (request.requesterId === approver.id) {
        throw new AppError("FORBIDDEN", { message: `self-approval refused for ${request.id}`, userMessage: "You cannot decide your own request." });
      }
      const steps = ZApprovalSteps.safeParse((request.policySnapshot as { approvalSteps?: unknown } | null)?.approvalSteps);
      if (!steps.success || steps.data.length === 0) {
        throw new AppError("CONFLICT", { message: `request ${request.id} has no valid approval steps`, userMessage: "This request has no approval steps to decide. Ask an administrator." });
      }
      const step = steps.data[input.step];
      const identity = await resolvePortalIdentity(tx, approver.email, request.integrationId);
      const requesterPrincipalId = normalizeRequesterPrincipalId(request.requesterPrincipalId, identity);
      if (!step || !canDecide(step, { principalId: identity.principal?.id ?? null, groupIds: identity.standingGroupIds }, requesterPrincipalId)) {
        throw new AppError("FORBIDDEN", {
          message: `${approver.email} is not an approver of ${request.id} step ${input.step}`,
          userMessage: identity.principal?.id && identity.principal.id === requesterPrincipalId ? "You cannot decide your own request." : "You are not an approver for this request.",
        });
      }

      if (request.status !== "PENDING") {
        throw new AppError("CONFLICT", { userMessage: STATUS_MESSAGES[request.status] ?? "This request was already decided. Nothing changed." });
      }
      if (request.pendingExpiresAt && request.pendingExpiresAt <= now) {
        throw new AppError("CONFLICT", { userMessage: STATUS_MESSAGES.TIMED_OUT });
      }
      if (request.currentStep !== input.step) {
        throw new AppError("CONFLICT", {
          userMessage: `This request has moved on to step ${request.currentStep + 1} since you opened it. Nothing changed.`,
        });
      }
      const existing = await tx.approval.findUnique({
        where: { requestId_step_approverId: { requestId: request.id, step: input.step, approverId: approver.id } },
      });
      if (existing) throw new AppError("CONFLICT", { userMessage: "You already decided this request. Nothing changed." });
      if (input.decision === "APPROVE" && input.step > 0) {
        const earlier = await tx.approval.findFirst({ where: { requestId: request.id, approverId: approver.id, step: { lt: input.step }, decision: "APPROVE" }, select: { step: true } });
        if (earlier) {
          throw new AppError("FORBIDDEN", {
            message: `${approver.email} approved step ${earlier.step} of ${request.id} already`,
            userMessage: "You approved an earlier step of this request; each step needs a different approver. You can still deny it.",
          });
        }
      }

      // What changed while the request waited can stop an approval (denying stays possible): its target
      // left the catalog, or every policy that allowed it was disabled or deleted (an admin's brake).
      if (input.decision === "APPROVE") {
        const blocked = await approvalBlocker(tx, request);
        if (blocked) throw new AppError("CONFLICT", { message: `request ${request.id}: cannot be approved any more`, userMessage: blocked });
      }
      await tx.approval.create({
        data: { requestId: request.id, step: input.step, approverId: approver.id, decision: input.decision, comment: input.comment },
      });
      await appendAuditEvent(tx, {
        actor,
        action: input.decision === "APPROVE" ? "approval.approved" : "approval.denied",
        subjectType: "AccessRequest",
        subjectId: request.id,
        integrationId: request.integrationId,
        awsAccountId: request.account?.accountId ?? null,
        details: { step: input.step, stepName: step.name, decision: input.decision, comment: input.comment },
      });

      const decisions = await tx.approval.findMany({ where: { requestId: request.id }, select: { step: true, decision: true, approverId: true } });
      const progress = nextStepAfterDecision(steps.data, decisions, { requesterUserId: request.requesterId });
      // Every transition is conditional on what this transaction saw; zero rows means someone else moved it.
      const moved = () => new AppError("CONFLICT", { userMessage: "Someone else decided this request at the same moment. Nothing changed; reload to see where it stands." });
      let outcome: TDecisionOutcome["outcome"];

      if (progress.status === "DENIED") {
        const updated = await tx.accessRequest.updateMany({
          where: { id: request.id, status: "PENDING", currentStep: input.step },
          data: { status: "DENIED", decidedAt: now },
        });
        if (updated.count !== 1) throw moved();
        await appendAuditEvent(tx, {
          actor,
          action: "request.denied",
          subjectType: "AccessRequest",
          subjectId: request.id,
          integrationId: request.integrationId,
          awsAccountId: request.account?.accountId ?? null,
          details: { step: input.step, comment: input.comment },
        });
        outcome = "DENIED";
      } else if (progress.status === "APPROVED") {
        // finalizeApproval's own update is conditional on PENDING; under the row lock nobody moved it.
        await finalizeApproval(tx, request.id, actor, now);
        outcome = "APPROVED";
      } else if (progress.currentStep > input.step) {
        const updated = await tx.accessRequest.updateMany({
          where: { id: request.id, status: "PENDING", currentStep: input.step },
          data: { currentStep: progress.currentStep },
        });
        if (updated.count !== 1) throw moved();
        await appendAuditEvent(tx, {
          actor,
          action: "request.step_completed",
          subjectType: "AccessRequest",
          subjectId: request.id,
          integrationId: request.integrationId,
          awsAccountId: request.account?.accountId ?? null,
          details: { completedStep: input.step, nextStep: progress.currentStep, nextStepName: steps.data[progress.currentStep]?.name ?? null },
        });
        outcome = "ADVANCED";
      } else {
        outcome = "RECORDED";
      }

      outbound = await recordRequestNotifications(tx, request.id, {
        type: "DECIDED",
        decision: input.decision,
        approverName,
        comment: input.comment,
        outcome,
      });
      const messages: Record<TDecisionOutcome["outcome"], string> = {
        DENIED: "Denied. The requester has been told.",
        APPROVED: "Approved. Access is being set up.",
        ADVANCED: "Approved. The request moves on to the next approval step.",
        RECORDED: `Approved. ${progress.status === "PENDING" ? `${progress.approvals} of ${progress.quorum} approvals at this step.` : ""}`.trim(),
      };
      return { requestId: request.id, outcome, message: messages[outcome] };
    });
  } catch (error) {
    // Two clicks from the same approver racing past the existence check: the unique key decides.
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") {
      throw new AppError("CONFLICT", { userMessage: "You already decided this request. Nothing changed." });
    }
    throw error;
  }

  if (result.outcome === "APPROVED") kickWorker("request approved");
  const deliver = () => deliverNotifications(outbound, options.channels);
  if (options.defer) options.defer(deliver);
  else await deliver();
  return result;
}
