import { AccessError } from "./access-error";
import { describeAccessLevel, isAccessLevel, listAccessLevels } from "./access-levels";
import {
  compileTicketPattern,
  POLICY_MIN_DURATION_MINUTES,
  ZApprovalSteps,
  ZTagConditions,
  type TApprovalStep,
  type TTagConditions,
} from "./policy-schemas";
import { isResourceType, TARGET_TYPE_PLURAL_LABELS, type TTargetType } from "./target-types";
import { formatDuration } from "../format/time.ts";

/**
 * Eligibility: which enabled policies let this requester ask for this target, and the rules the request
 * must then follow. Pure; the caller loads the policies, the target (with its account's OU idPath and its
 * tags) and the requester's Principal ids. Assumes the requester is signed in; deciding who the requester
 * is (and that principalId/groupIds are theirs) is the caller's job.
 *
 * A policy MATCHES a request when (every non-empty condition must hold):
 *   integration (null = any) · targetTypes · accountIds · orgUnitIds (the account's OU or any ancestor) ·
 *   specific targets (if any of resourceIds / permissionSetIds / groupIds is set, the target must be in the
 *   list for its own kind) · every tag condition (the target carries one of the values; untagged fails) ·
 *   the requester (allowEveryone, listed user, or member of a listed group) · the access level
 *   (accessLevels empty = every level of the type).
 *
 * When several policies match, the STRICTEST combination applies (POLICIES.md has examples):
 *   - access levels: a level is allowed when at least one policy grants it to this requester on this
 *     target; the rules below are combined over the policies that grant the REQUESTED level only, so a
 *     policy has no say over levels it does not grant, and no policy's controls can be bypassed for a level
 *     it does grant.
 *   - max duration and pending timeout: the shortest.
 *   - justification / ticket: required if any policy requires it; a ticket must match every pattern.
 *   - approval: automatic only if every matching policy auto-approves; otherwise the steps of the
 *     strictest policy that requires approval: most steps, then highest total quorum, then policy name
 *     (then id) ascending.
 *
 * Fails closed: a matching policy whose approval steps are malformed (or empty without auto-approve) makes
 * the request ineligible rather than being skipped; a policy whose tag conditions are malformed matches
 * nothing.
 */

export type TPolicyForEvaluation = {
  id: string;
  name: string;
  /** Callers pass enabled policies; a disabled one is skipped anyway. */
  enabled?: boolean;
  integrationId: string | null;
  accountIds: readonly string[];
  orgUnitIds: readonly string[];
  targetTypes: readonly string[];
  resourceIds: readonly string[];
  permissionSetIds: readonly string[];
  groupIds: readonly string[];
  /** Json column; parsed with ZTagConditions. */
  tagConditions: unknown;
  accessLevels: readonly string[];
  requesterUserIds: readonly string[];
  requesterGroupIds: readonly string[];
  allowEveryone: boolean;
  maxDurationMinutes: number;
  requireJustification: boolean;
  requireTicket: boolean;
  ticketPattern: string | null;
  autoApprove: boolean;
  /** Json column; parsed with ZApprovalSteps. */
  approvalSteps: unknown;
  pendingTimeoutMinutes: number;
};

export type TEvaluationTarget = {
  integrationId: string;
  targetType: TTargetType;
  /** Resource.id, for resource target types. */
  resourceId?: string;
  /** PermissionSet.id, for PERMISSION_SET. */
  permissionSetId?: string;
  /** Principal.id of the group, for GROUP. */
  groupId?: string;
  /** 12-digit account id: the resource's account, or the account a permission set is requested in. */
  awsAccountId?: string;
  /** The account's OrgUnit.idPath, "r-ab12/ou-ab12-aaaa1111/ou-ab12-bbbb2222". */
  orgUnitIdPath?: string;
  /** The resource's (or permission set's) tags. */
  tags: Readonly<Record<string, string>>;
};

export type TRequester = {
  /** Principal id of the requester's Identity Center user; null when the portal user is not linked. */
  principalId: string | null;
  /** Principal ids of the requester's groups. */
  groupIds: readonly string[];
};

/** What is being asked; omit fields to evaluate eligibility only (e.g. for the catalog). */
export type TRequestDetails = {
  accessLevel?: string;
  durationMinutes?: number;
  justification?: string;
  ticket?: string | null;
};

export type TEffectivePolicy = {
  /** The requested level, or null when none was given. */
  accessLevel: string | null;
  /** Every level some matching policy grants this requester on this target, least privileged first. */
  allowedAccessLevels: string[];
  maxDurationMinutes: number;
  requireJustification: boolean;
  requireTicket: boolean;
  /** Each must match the whole ticket. */
  ticketPatterns: string[];
  autoApprove: boolean;
  /** Empty when autoApprove. */
  approvalSteps: TApprovalStep[];
  /** The policy whose steps apply (AccessRequest.policyId); the first matched policy when auto-approved. */
  governingPolicyId: string;
  pendingTimeoutMinutes: number;
};

export type TEvaluation =
  | { eligible: true; effective: TEffectivePolicy; matchedPolicyIds: string[] }
  | { eligible: false; reasons: string[] };

function byName(a: TPolicyForEvaluation, b: TPolicyForEvaluation): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

function assertTarget(target: TEvaluationTarget): void {
  const missing =
    isResourceType(target.targetType) && !target.resourceId
      ? "resourceId"
      : target.targetType === "PERMISSION_SET" && (!target.permissionSetId || !target.awsAccountId)
        ? "permissionSetId and awsAccountId"
        : target.targetType === "GROUP" && !target.groupId
          ? "groupId"
          : null;
  if (missing) {
    throw new AccessError("INVALID_TARGET", {
      message: `A ${target.targetType} target needs ${missing}`,
      userMessage: "The requested target is incomplete.",
    });
  }
}

function parseTagConditions(policy: TPolicyForEvaluation): TTagConditions | null {
  const parsed = ZTagConditions.safeParse(policy.tagConditions ?? []);
  return parsed.success ? parsed.data : null;
}

function coversTarget(policy: TPolicyForEvaluation, target: TEvaluationTarget): boolean {
  if (policy.enabled === false) return false;
  if (policy.integrationId !== null && policy.integrationId !== target.integrationId) return false;
  if (policy.targetTypes.length > 0 && !policy.targetTypes.includes(target.targetType)) return false;
  if (policy.accountIds.length > 0 && (!target.awsAccountId || !policy.accountIds.includes(target.awsAccountId))) {
    return false;
  }
  if (policy.orgUnitIds.length > 0) {
    // Compare whole path segments: a prefix test would let "ou-ab12-aaaa1111" match "ou-ab12-aaaa11112".
    const ancestry = target.orgUnitIdPath ? target.orgUnitIdPath.split("/") : [];
    if (!policy.orgUnitIds.some((ou) => ancestry.includes(ou))) return false;
  }
  const listsSpecificTargets =
    policy.resourceIds.length > 0 || policy.permissionSetIds.length > 0 || policy.groupIds.length > 0;
  if (listsSpecificTargets) {
    const listed =
      target.targetType === "PERMISSION_SET"
        ? policy.permissionSetIds.includes(target.permissionSetId ?? "")
        : target.targetType === "GROUP"
          ? policy.groupIds.includes(target.groupId ?? "")
          : policy.resourceIds.includes(target.resourceId ?? "");
    if (!listed) return false;
  }
  const tagConditions = parseTagConditions(policy);
  if (tagConditions === null) return false;
  return tagConditions.every((condition) => {
    const value = Object.hasOwn(target.tags, condition.key) ? target.tags[condition.key] : undefined;
    return value !== undefined && condition.values.includes(value);
  });
}

function coversRequester(policy: TPolicyForEvaluation, requester: TRequester): boolean {
  if (policy.allowEveryone) return true;
  if (requester.principalId !== null && policy.requesterUserIds.includes(requester.principalId)) return true;
  return requester.groupIds.some((groupId) => policy.requesterGroupIds.includes(groupId));
}

function levelsGranted(policy: TPolicyForEvaluation, targetType: TTargetType): string[] {
  const all = listAccessLevels(targetType).map((level) => level.id);
  return policy.accessLevels.length === 0 ? all : all.filter((level) => policy.accessLevels.includes(level));
}

function totalQuorum(steps: readonly TApprovalStep[]): number {
  return steps.reduce((sum, step) => sum + step.quorum, 0);
}

function noCoverageReason(target: TEvaluationTarget): string {
  const where = target.awsAccountId ? ` in account ${target.awsAccountId}` : "";
  return `No policy covers ${TARGET_TYPE_PLURAL_LABELS[target.targetType]}${where}`;
}

type TCoverage =
  | { covered: true; principalId: string; forRequester: TPolicyForEvaluation[]; allowedAccessLevels: string[] }
  | { covered: false; reasons: string[] };

/**
 * Coverage only: the enabled policies that cover the target and include the requester, and the levels they
 * grant (least privileged first). No step, reachability or request-detail checks.
 */
function findCoverage(policies: readonly TPolicyForEvaluation[], target: TEvaluationTarget, requester: TRequester): TCoverage {
  if (requester.principalId === null) {
    return {
      covered: false,
      reasons: ["Your portal account is not linked to an IAM Identity Center user, so no access can be granted to you"],
    };
  }

  const covering = [...policies].sort(byName).filter((policy) => coversTarget(policy, target));
  if (covering.length === 0) return { covered: false, reasons: [noCoverageReason(target)] };

  const forRequester = covering.filter((policy) => coversRequester(policy, requester));
  if (forRequester.length === 0) {
    return { covered: false, reasons: ["You are not a requester in any policy that covers this resource"] };
  }

  const granted = new Set(forRequester.flatMap((policy) => levelsGranted(policy, target.targetType)));
  const allowedAccessLevels = listAccessLevels(target.targetType)
    .map((level) => level.id)
    .filter((level) => granted.has(level));
  if (allowedAccessLevels.length === 0) {
    const plural = TARGET_TYPE_PLURAL_LABELS[target.targetType];
    return { covered: false, reasons: [`No policy that covers this resource grants you an access level for ${plural}`] };
  }
  return { covered: true, principalId: requester.principalId, forRequester, allowedAccessLevels };
}

export type TLevelEligibility = { accessLevel: string; effective: TEffectivePolicy; matchedPolicyIds: string[] };

export type TLevelsEvaluation =
  | { eligible: true; levels: TLevelEligibility[] }
  | { eligible: false; reasons: string[] };

/**
 * What the request form and the catalog offer: the candidate levels come from coverage alone (some covering
 * policy grants them to this requester on this target), then each is evaluated on its own with
 * `evaluatePolicies(…, { accessLevel })`, exactly as submitting it would be. Only the levels that evaluate
 * as eligible are returned, each with its own rules, so a policy for another level (broken steps, approval,
 * a shorter maximum) has no say over them. Ineligible (with every level's reasons, de-duplicated) only when
 * no level is. Throws like evaluatePolicies for an incomplete target.
 */
export function evaluateAccessLevels(
  policies: readonly TPolicyForEvaluation[],
  target: TEvaluationTarget,
  requester: TRequester,
): TLevelsEvaluation {
  assertTarget(target);
  const coverage = findCoverage(policies, target, requester);
  if (!coverage.covered) return { eligible: false, reasons: coverage.reasons };
  const levels: TLevelEligibility[] = [];
  const reasons: string[] = [];
  for (const accessLevel of coverage.allowedAccessLevels) {
    // Only the covering policies can match, so evaluating them alone gives the same result as evaluating all.
    const evaluation = evaluatePolicies(coverage.forRequester, target, requester, { accessLevel });
    if (evaluation.eligible) levels.push({ accessLevel, effective: evaluation.effective, matchedPolicyIds: evaluation.matchedPolicyIds });
    else reasons.push(...evaluation.reasons);
  }
  return levels.length > 0 ? { eligible: true, levels } : { eligible: false, reasons: [...new Set(reasons)] };
}

/**
 * Evaluates `policies` for `requester` asking for `target`. See the module comment for the matching and
 * combination rules. Throws `AccessError("INVALID_TARGET")` when the target lacks the id its type needs.
 *
 * Without `request.accessLevel`, the rules are combined over every policy that covers the requester,
 * whatever level it grants, so one level's policy can make the whole target look ineligible or stricter:
 * to know which levels can be requested (and under which rules) use `evaluateAccessLevels`.
 */
export function evaluatePolicies(
  policies: readonly TPolicyForEvaluation[],
  target: TEvaluationTarget,
  requester: TRequester,
  request: TRequestDetails = {},
): TEvaluation {
  assertTarget(target);
  const coverage = findCoverage(policies, target, requester);
  if (!coverage.covered) return { eligible: false, reasons: coverage.reasons };
  const { principalId, forRequester, allowedAccessLevels } = coverage;
  const plural = TARGET_TYPE_PLURAL_LABELS[target.targetType];

  let matched = forRequester;
  const accessLevel = request.accessLevel ?? null;
  if (accessLevel !== null) {
    if (!isAccessLevel(target.targetType, accessLevel)) {
      return { eligible: false, reasons: [`"${accessLevel}" is not an access level for ${plural}`] };
    }
    matched = forRequester.filter((policy) => levelsGranted(policy, target.targetType).includes(accessLevel));
    if (matched.length === 0) {
      const label = describeAccessLevel(target.targetType, accessLevel).label;
      const allowed = allowedAccessLevels.map((level) => describeAccessLevel(target.targetType, level).label).join(", ");
      return {
        eligible: false,
        reasons: [`No policy lets you request "${label}" access to this resource (you may request: ${allowed})`],
      };
    }
  }

  // Approval steps are parsed for every matched policy, and a broken one stops the request: skipping it
  // could let a laxer policy's auto-approval win.
  const stepsByPolicy = new Map<string, TApprovalStep[]>();
  for (const policy of matched) {
    const parsed = ZApprovalSteps.safeParse(policy.approvalSteps ?? []);
    if (!parsed.success || (!policy.autoApprove && parsed.data.length === 0)) {
      return {
        eligible: false,
        reasons: [`Policy "${policy.name}" has invalid approval steps; ask an administrator to fix it`],
      };
    }
    stepsByPolicy.set(policy.id, parsed.data);
  }

  const autoApprove = matched.every((policy) => policy.autoApprove);
  const approvalPolicy = autoApprove
    ? null
    : ([...matched]
        .filter((policy) => !policy.autoApprove)
        .sort((a, b) => {
          const stepsA = stepsByPolicy.get(a.id) ?? [];
          const stepsB = stepsByPolicy.get(b.id) ?? [];
          return stepsB.length - stepsA.length || totalQuorum(stepsB) - totalQuorum(stepsA) || byName(a, b);
        })[0] ?? null);
  const [first] = matched;
  if (!first) throw new Error("unreachable: matched is not empty");

  const effective: TEffectivePolicy = {
    accessLevel,
    allowedAccessLevels,
    maxDurationMinutes: Math.min(...matched.map((policy) => policy.maxDurationMinutes)),
    requireJustification: matched.some((policy) => policy.requireJustification),
    requireTicket: matched.some((policy) => policy.requireTicket),
    ticketPatterns: [
      ...new Set(matched.flatMap((policy) => (policy.ticketPattern ? [policy.ticketPattern] : []))),
    ],
    autoApprove,
    approvalSteps: approvalPolicy ? (stepsByPolicy.get(approvalPolicy.id) ?? []) : [],
    governingPolicyId: (approvalPolicy ?? first).id,
    pendingTimeoutMinutes: Math.min(...matched.map((policy) => policy.pendingTimeoutMinutes)),
  };

  const reasons = [
    ...new Set([
      ...checkRequestDetails(effective, request),
      ...checkApprovalReachable(effective.approvalSteps, principalId),
    ]),
  ];
  if (reasons.length > 0) return { eligible: false, reasons };
  return { eligible: true, effective, matchedPolicyIds: matched.map((policy) => policy.id) };
}

/** Reasons the given request details break the effective rules; fields left undefined are not checked. */
export function checkRequestDetails(
  effective: Pick<TEffectivePolicy, "maxDurationMinutes" | "requireJustification" | "requireTicket" | "ticketPatterns">,
  request: TRequestDetails,
): string[] {
  const reasons: string[] = [];
  const { durationMinutes, justification, ticket } = request;
  if (durationMinutes !== undefined) {
    if (!Number.isInteger(durationMinutes) || durationMinutes < POLICY_MIN_DURATION_MINUTES) {
      reasons.push(`Duration must be a whole number of minutes, at least ${POLICY_MIN_DURATION_MINUTES}`);
    } else if (durationMinutes > effective.maxDurationMinutes) {
      reasons.push(
        `Duration ${formatDuration(durationMinutes)} exceeds the maximum of ${formatDuration(effective.maxDurationMinutes)}`,
      );
    }
  }
  if (justification !== undefined && effective.requireJustification && justification.trim() === "") {
    reasons.push("A justification is required");
  }
  if (ticket !== undefined) {
    const value = (ticket ?? "").trim();
    if (value === "") {
      if (effective.requireTicket) reasons.push("A ticket reference is required");
    } else {
      for (const pattern of effective.ticketPatterns) {
        const regex = compileTicketPattern(pattern);
        if (regex === null) {
          reasons.push("A policy's ticket pattern is invalid; ask an administrator to fix it");
        } else if (!regex.test(value)) {
          reasons.push(`Ticket "${value}" does not have the required format`);
        }
      }
    }
  }
  return reasons;
}

/**
 * Steps that name only users cannot reach their quorum if they need the requester (who may not approve
 * their own request), or, together, more distinct people than they name (each person's approval counts at
 * one step only): better to say so now than to let the request sit until it times out.
 */
function checkApprovalReachable(steps: readonly TApprovalStep[], requesterPrincipalId: string): string[] {
  const usersOnly = steps.filter((step) => step.groupIds.length === 0);
  const perStep = usersOnly.flatMap((step) => {
    const others = step.userIds.filter((id) => id !== requesterPrincipalId).length;
    return others < step.quorum
      ? [
          `Approval step "${step.name}" needs ${step.quorum} approver(s) other than you, but only ${others} can approve; ask an administrator`,
        ]
      : [];
  });
  if (perStep.length > 0 || usersOnly.length < 2) return perStep;
  const people = new Set(usersOnly.flatMap((step) => step.userIds).filter((id) => id !== requesterPrincipalId)).size;
  const needed = usersOnly.reduce((sum, step) => sum + step.quorum, 0);
  return people < needed
    ? [`The approval steps need ${needed} different approvers other than you, but name only ${people}; ask an administrator`]
    : [];
}
