import "server-only";
import type { TDb } from "../db/client.ts";
import { AccessError } from "../access/access-error";
import { listAccessLevels } from "../access/access-levels";
import { buildGrantPermissions, type TGrantPermissions } from "../access/build-grant-permissions";
import { evaluateAccessLevels, type TEffectivePolicy } from "../access/evaluate-policies";
import { sessionsOutlastNote } from "../access/session-outlast.ts";
import { AppError } from "../errors/app-error.ts";
import { loadEligibilityContext } from "./load-eligibility-context.ts";
import { loadRequestTarget, type TTargetRef, type TTargetSnapshot } from "./load-request-target.ts";

export type TLevelOption = {
  id: string;
  label: string;
  description: string;
  maxDurationMinutes: number;
  requireJustification: boolean;
  requireTicket: boolean;
  ticketPatterns: string[];
  autoApprove: boolean;
  /** Each step's name, quorum and approvers by display name. */
  approvalSteps: { name: string; quorum: number; approvers: string[] }[];
  /** What the grant will carry in AWS: the exact inline policy, or a description of the assignment. */
  grant: { kind: TGrantPermissions["grantKind"]; policyDocument: string | null; summary: string };
};

export type TRequestForm =
  | {
      eligible: true;
      integrationId: string;
      target: TTargetSnapshot;
      levels: TLevelOption[];
      /** Existing permission sets and groups: how long sessions can outlast the access (sessionsOutlastNote). */
      sessionsOutlast: string | null;
    }
  | { eligible: false; integrationId: string; target: TTargetSnapshot; reasons: string[] };

/** What the grant carries, in words and (for resources) the exact IAM policy document. */
export function describeGrant(permissions: TGrantPermissions): TLevelOption["grant"] {
  if (permissions.grantKind === "TEMP_PERMISSION_SET") {
    const document =
      permissions.inlinePolicy !== undefined
        ? JSON.stringify(JSON.parse(permissions.inlinePolicy), null, 2)
        : null;
    const references = permissions.customerManagedPolicies.map((p) => `${p.path}${p.name}`).join(", ");
    return {
      kind: permissions.grantKind,
      policyDocument: document,
      summary:
        document !== null
          ? `A temporary permission set with this inline policy, assigned to you in the account. ${permissions.description}.`
          : `A temporary permission set that references the customer-managed policy ${references} in the account. ${permissions.description}.`,
    };
  }
  if (permissions.grantKind === "PERMISSION_SET_ASSIGNMENT") {
    return { kind: permissions.grantKind, policyDocument: null, summary: `The existing permission set is assigned to you in the account (${permissions.description}).` };
  }
  return { kind: permissions.grantKind, policyDocument: null, summary: `You are added to the Identity Center group (${permissions.description}).` };
}

/**
 * Everything the request form shows for one target: per access level that can be requested (evaluated on
 * its own, as submit evaluates it), the effective rules (max duration, justification, ticket, approval
 * chain) and the exact grant; the reasons only when no level can be requested. Assumes the caller
 * authenticated the user whose email it passes; the submit action evaluates everything again.
 */
export async function getRequestForm(db: TDb, options: { userEmail: string; target: TTargetRef }): Promise<TRequestForm> {
  const target = await loadRequestTarget(db, options.target);
  const context = await loadEligibilityContext(db, options.userEmail, target.integrationId);
  // Each level on its own, as submitting it is evaluated: a policy for another level has no say over it.
  const evaluation = evaluateAccessLevels(context.policies, target.evaluation, context.requester);
  if (!evaluation.eligible) return { eligible: false, integrationId: target.integrationId, target: target.snapshot, reasons: evaluation.reasons };
  const effectiveByLevel: { id: string; label: string; description: string; effective: TEffectivePolicy }[] = [];
  for (const level of listAccessLevels(target.targetType)) {
    const result = evaluation.levels.find((l) => l.accessLevel === level.id);
    if (result) effectiveByLevel.push({ ...level, effective: result.effective });
  }

  const approverIds = [...new Set(effectiveByLevel.flatMap((l) => l.effective.approvalSteps.flatMap((s) => [...s.userIds, ...s.groupIds])))];
  const approvers = approverIds.length
    ? await db.principal.findMany({ where: { id: { in: approverIds } }, select: { id: true, displayName: true, type: true } })
    : [];
  const nameOf = new Map(approvers.map((p) => [p.id, p.type === "GROUP" ? `${p.displayName} (group)` : p.displayName]));

  const levels: TLevelOption[] = [];
  for (const level of effectiveByLevel) {
    let grant: TLevelOption["grant"];
    try {
      grant = describeGrant(buildGrantPermissions(target.grantTarget, level.id));
    } catch (error) {
      if (error instanceof AccessError) throw new AppError("INVALID_INPUT", { message: error.message, userMessage: error.userMessage, cause: error });
      throw error;
    }
    levels.push({
      id: level.id,
      label: level.label,
      description: level.description,
      maxDurationMinutes: level.effective.maxDurationMinutes,
      requireJustification: level.effective.requireJustification,
      requireTicket: level.effective.requireTicket,
      ticketPatterns: level.effective.ticketPatterns,
      autoApprove: level.effective.autoApprove,
      approvalSteps: level.effective.approvalSteps.map((step) => ({
        name: step.name,
        quorum: step.quorum,
        approvers: [...step.userIds, ...step.groupIds].map((id) => nameOf.get(id) ?? "an approver no longer in Identity Center"),
      })),
      grant,
    });
  }
  const sessionDuration = target.permissionSetId
    ? ((await db.permissionSet.findUnique({ where: { id: target.permissionSetId }, select: { sessionDuration: true } }))?.sessionDuration ?? null)
    : null;
  return { eligible: true, integrationId: target.integrationId, target: target.snapshot, levels, sessionsOutlast: sessionsOutlastNote(target.targetType, sessionDuration) };
}
