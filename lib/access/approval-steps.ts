import { AccessError } from "./access-error";
import type { TApprovalStep } from "./policy-schemas";

/**
 * Rules of a pending request's approval chain, pure so the approvals page, the decide action and the
 * tests all share them. The caller loads the request's frozen `policySnapshot` steps and its Approval rows.
 */

export type TApprover = {
  /** The approver's Identity Center user (Principal id), null when their portal account is not linked. */
  principalId: string | null;
  /** Principal ids of the groups the approver belongs to. */
  groupIds: readonly string[];
};

/**
 * Whether `approver` may decide at `step`. Never the requester: nobody approves their own request, even
 * when they are named in the step or belong to an approver group.
 *
 * Identity is compared by Principal id. Approval rows are keyed by portal User, so the decide action must
 * also refuse `approverUserId === request.requesterId` (two portal users can never share a Principal,
 * but a portal user without a Principal is refused here anyway).
 */
export function canDecide(
  step: Pick<TApprovalStep, "userIds" | "groupIds">,
  approver: TApprover,
  requesterPrincipalId: string | null,
): boolean {
  if (approver.principalId === null) return false;
  if (requesterPrincipalId !== null && approver.principalId === requesterPrincipalId) return false;
  if (step.userIds.includes(approver.principalId)) return true;
  return approver.groupIds.some((groupId) => step.groupIds.includes(groupId));
}

export type TRecordedDecision = {
  /** Index of the step the decision was made at. */
  step: number;
  decision: "APPROVE" | "DENY";
  /** Portal User id of the approver (Approval.approverId). */
  approverId: string;
};

export type TApprovalProgress =
  | { status: "APPROVED"; approvedSteps: number }
  | { status: "DENIED"; deniedAtStep: number }
  | {
      status: "PENDING";
      /** The step now waiting for decisions (AccessRequest.currentStep). */
      currentStep: number;
      approvals: number;
      quorum: number;
    };

/**
 * Where a request stands after its recorded decisions. Steps run in order; a step is met when its quorum
 * of distinct approvers approved it; one DENY at any step that has been reached denies the whole request.
 * Decisions at steps not reached yet are ignored (they cannot be valid). `requesterUserId`, when given,
 * discards any decision by the requester as a second line of defence behind canDecide.
 *
 * Throws for an empty step list: an auto-approved request never goes through decisions, so empty steps
 * here mean a broken snapshot, and "approved" would be the unsafe answer.
 */
export function nextStepAfterDecision(
  steps: readonly Pick<TApprovalStep, "quorum">[],
  decisions: readonly TRecordedDecision[],
  options: { requesterUserId?: string } = {},
): TApprovalProgress {
  if (steps.length === 0) {
    throw new AccessError("INVALID_APPROVAL_STEPS", {
      message: "nextStepAfterDecision called without approval steps",
      userMessage: "This request has no approval steps; ask an administrator.",
    });
  }
  const counted = decisions.filter((decision) => decision.approverId !== options.requesterUserId);
  // Each person's approval counts at one step only: two steps mean two different people (four eyes),
  // even when one approver belongs to both steps' groups.
  const approvedEarlier = new Set<string>();
  for (const [index, step] of steps.entries()) {
    const atStep = counted.filter((decision) => decision.step === index);
    if (atStep.some((decision) => decision.decision === "DENY")) return { status: "DENIED", deniedAtStep: index };
    const approvers = new Set(atStep.filter((decision) => decision.decision === "APPROVE" && !approvedEarlier.has(decision.approverId)).map((d) => d.approverId));
    if (approvers.size < step.quorum) {
      return { status: "PENDING", currentStep: index, approvals: approvers.size, quorum: step.quorum };
    }
    for (const id of approvers) approvedEarlier.add(id);
  }
  return { status: "APPROVED", approvedSteps: steps.length };
}
