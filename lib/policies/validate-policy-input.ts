import "server-only";
import type { TTx } from "../audit/append-audit-event.ts";
import { Prisma } from "../db/generated/client.ts";
import { AppError } from "../errors/app-error.ts";
import { ZPolicyInput, type TPolicyInput } from "../access/policy-schemas";

/** What every policy mutation shares: the actor type, ZPolicyInput validation with per-field messages, reference checks. */
export type TPolicyActor = { id: string | null; email: string | null } | "system";

export type TPolicyFieldErrors = Record<string, string[]>;

/** Item labels for list fields whose entries the form shows one by one ("Step 2: …"), numbered from 1. */
const ITEM_LABELS: Record<string, string> = { approvalSteps: "Step", tagConditions: "Tag condition" };

/**
 * A message an admin can read: never a raw field path such as "0.userIds". Entries of a numbered list say
 * which entry ("Step 1: Name at least one approver (user or group)"); for lists of plain values (account ids,
 * OU ids) the message already names what is wrong, so it is shown alone.
 */
function fieldMessage(key: string, rest: PropertyKey[], message: string): string {
  const index = rest[0];
  const label = ITEM_LABELS[key];
  if (label && typeof index === "number") return `${label} ${index + 1}: ${message}`;
  return message;
}

/** Validates with ZPolicyInput; INVALID_INPUT carries per-field messages in `details` for the form. */
export function validatePolicyInput(input: unknown): TPolicyInput {
  const parsed = ZPolicyInput.safeParse(input);
  if (parsed.success) return parsed.data;
  const fieldErrors: TPolicyFieldErrors = {};
  for (const issue of parsed.error.issues) {
    const key = issue.path.length ? String(issue.path[0]) : "form";
    const message = fieldMessage(key, issue.path.slice(1), issue.message);
    const messages = (fieldErrors[key] ??= []);
    if (!messages.includes(message)) messages.push(message);
  }
  throw new AppError("INVALID_INPUT", {
    message: parsed.error.message,
    userMessage: `The policy is not valid: ${parsed.error.issues.map((i) => i.message).join("; ")}`,
    details: fieldErrors,
  });
}

/** Referenced rows must exist (in the chosen integration, when there is one): a typo must not save a policy that silently matches nothing. */
export async function checkPolicyReferences(tx: TTx, policy: TPolicyInput) {
  const problems: string[] = [];
  const inIntegration = policy.integrationId ? { integrationId: policy.integrationId } : {};
  if (policy.integrationId && !(await tx.integration.findUnique({ where: { id: policy.integrationId }, select: { id: true } }))) {
    problems.push("The chosen integration does not exist");
  }
  const count = async (ids: string[], find: (ids: string[]) => Promise<number>, what: string) => {
    if (ids.length === 0) return;
    const found = await find(ids);
    if (found !== ids.length) problems.push(`${ids.length - found} of the selected ${what} no longer exist; pick them again`);
  };
  // Only what discovery still sees: a soft-deleted approver can never decide, a deleted resource never matches.
  const live = { ...inIntegration, deletedAt: null };
  await count(policy.resourceIds, (ids) => tx.resource.count({ where: { id: { in: ids }, ...live } }), "resources");
  await count(policy.permissionSetIds, (ids) => tx.permissionSet.count({ where: { id: { in: ids }, portalManaged: false, ...live } }), "permission sets");
  await count(policy.groupIds, (ids) => tx.principal.count({ where: { id: { in: ids }, type: "GROUP", ...live } }), "groups");
  await count(policy.requesterUserIds, (ids) => tx.principal.count({ where: { id: { in: ids }, type: "USER", ...live } }), "requester users");
  await count(policy.requesterGroupIds, (ids) => tx.principal.count({ where: { id: { in: ids }, type: "GROUP", ...live } }), "requester groups");
  const approverUsers = [...new Set(policy.approvalSteps.flatMap((s) => s.userIds))];
  const approverGroups = [...new Set(policy.approvalSteps.flatMap((s) => s.groupIds))];
  await count(approverUsers, (ids) => tx.principal.count({ where: { id: { in: ids }, type: "USER", ...live } }), "approver users");
  await count(approverGroups, (ids) => tx.principal.count({ where: { id: { in: ids }, type: "GROUP", ...live } }), "approver groups");
  // People and groups belong to one integration's Identity Center: in a policy for every integration they
  // would match (as requesters) or be able to decide (as approvers) only in their own, and a request in
  // another would wait for approvers who cannot approve it.
  const named = policy.requesterUserIds.length + policy.requesterGroupIds.length + approverUsers.length + approverGroups.length;
  if (!policy.integrationId && named > 0) {
    problems.push("A policy for every integration cannot name requesters or approvers (they belong to one integration's Identity Center): choose its integration");
  }
  if (problems.length > 0) {
    throw new AppError("INVALID_INPUT", { message: problems.join("; "), userMessage: `${problems.join(". ")}.`, details: { form: problems } });
  }
}

export function toPolicyData(policy: TPolicyInput) {
  return { ...policy, tagConditions: policy.tagConditions as Prisma.InputJsonValue, approvalSteps: policy.approvalSteps as Prisma.InputJsonValue };
}

export function uniquePolicyNameError(error: unknown): unknown {
  if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") {
    return new AppError("CONFLICT", { message: "policy name taken", userMessage: "A policy with this name already exists.", details: { name: ["A policy with this name already exists"] } });
  }
  return error;
}

