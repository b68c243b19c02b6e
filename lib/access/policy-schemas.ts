import { z } from "zod";

import { isAccessLevel, listAccessLevels } from "./access-levels";
import { TARGET_TYPES, type TTargetType } from "./target-types";

/**
 * Schemas for the Policy model's Json columns and for the admin's create/edit form. Pure (no
 * server-only) so the form can reuse them for client-side messages; the server action must still parse
 * with them, because the browser's copy proves nothing.
 *
 * Bounds chosen here (and documented in POLICIES.md):
 * - maxDurationMinutes: 15 minutes … 43,200 (30 days). A grant can outlive one permission-set session
 *   (PT1H–PT12H); the user simply signs in again until the grant expires.
 * - pendingTimeoutMinutes: 15 minutes … 43,200 (30 days).
 * - quorum: ≥ 1; when a step names only users, quorum ≤ the number of users. With groups the group's size
 *   at decision time is unknown here (and changes), so it cannot be checked: a quorum larger than the
 *   eligible approvers leaves requests pending until they time out.
 */

export const POLICY_MIN_DURATION_MINUTES = 15;
export const POLICY_MAX_DURATION_MINUTES = 43_200;
export const POLICY_MIN_PENDING_TIMEOUT_MINUTES = 15;
export const POLICY_MAX_PENDING_TIMEOUT_MINUTES = 43_200;
export const MAX_APPROVAL_STEPS = 10;

const ZId = z.string().trim().min(1, "An id cannot be empty");
const ZIdList = z.array(ZId).transform((ids) => [...new Set(ids)]);

export const ZTagCondition = z.object({
  key: z.string().trim().min(1, "Tag key is required").max(128, "Tag keys are at most 128 characters"),
  values: z
    .array(z.string().max(256, "Tag values are at most 256 characters"))
    .min(1, "Give at least one value for the tag")
    .transform((values) => [...new Set(values)]),
});
export type TTagCondition = z.infer<typeof ZTagCondition>;

export const ZTagConditions = z.array(ZTagCondition).superRefine((conditions, ctx) => {
  const seen = new Set<string>();
  conditions.forEach((condition, index) => {
    if (seen.has(condition.key)) {
      ctx.addIssue({
        code: "custom",
        message: `Tag "${condition.key}" appears twice; list all accepted values in one condition`,
        path: [index, "key"],
      });
    }
    seen.add(condition.key);
  });
});
export type TTagConditions = z.infer<typeof ZTagConditions>;

export const ZApprovalStep = z
  .object({
    name: z.string().trim().min(1, "Step name is required").max(100, "Step names are at most 100 characters"),
    userIds: ZIdList.default([]),
    groupIds: ZIdList.default([]),
    quorum: z.number().int("Quorum must be a whole number").min(1, "Quorum must be at least 1"),
  })
  .superRefine((step, ctx) => {
    if (step.userIds.length === 0 && step.groupIds.length === 0) {
      ctx.addIssue({ code: "custom", message: "Name at least one approver (user or group)", path: ["userIds"] });
    }
    // Only checkable when the step names users alone; see the module comment.
    if (step.groupIds.length === 0 && step.userIds.length > 0 && step.quorum > step.userIds.length) {
      ctx.addIssue({
        code: "custom",
        message: `Quorum ${step.quorum} is more than the ${step.userIds.length} approver(s) named`,
        path: ["quorum"],
      });
    }
  });
export type TApprovalStep = z.infer<typeof ZApprovalStep>;

export const ZApprovalSteps = z
  .array(ZApprovalStep)
  .max(MAX_APPROVAL_STEPS, `At most ${MAX_APPROVAL_STEPS} approval steps`);
export type TApprovalSteps = z.infer<typeof ZApprovalSteps>;

/** A ticket pattern must compile; it is matched against the whole ticket (see ticketMatches). */
export function compileTicketPattern(pattern: string): RegExp | null {
  try {
    return new RegExp(`^(?:${pattern})$`, "u");
  } catch {
    return null;
  }
}

export const ZPolicyInput = z
  .object({
    name: z.string().trim().min(1, "Name is required").max(100, "Names are at most 100 characters"),
    description: z
      .string()
      .trim()
      .max(1000, "Descriptions are at most 1000 characters")
      .nullish()
      .transform((value) => (value ? value : null)),
    enabled: z.boolean().default(true),
    integrationId: ZId.nullable().default(null),
    accountIds: z.array(z.string().regex(/^\d{12}$/, "AWS account ids are 12 digits")).transform((ids) => [...new Set(ids)]).default([]),
    orgUnitIds: z
      .array(z.string().regex(/^(r-[0-9a-z]{4,32}|ou-[0-9a-z]{4,32}-[0-9a-z]{8,32})$/, "Organizational unit ids look like ou-ab12-cdef3456 (or r-ab12 for the root)"))
      .transform((ids) => [...new Set(ids)])
      .default([]),
    targetTypes: z
      .array(z.enum(TARGET_TYPES, { error: "Unknown target type" }))
      .transform((types) => [...new Set(types)])
      .default([]),
    resourceIds: ZIdList.default([]),
    permissionSetIds: ZIdList.default([]),
    groupIds: ZIdList.default([]),
    tagConditions: ZTagConditions.default([]),
    accessLevels: z.array(z.string().trim().min(1)).transform((levels) => [...new Set(levels)]).default([]),
    requesterUserIds: ZIdList.default([]),
    requesterGroupIds: ZIdList.default([]),
    allowEveryone: z.boolean().default(false),
    maxDurationMinutes: z
      .number()
      .int("Maximum duration must be whole minutes")
      .min(POLICY_MIN_DURATION_MINUTES, `Maximum duration must be at least ${POLICY_MIN_DURATION_MINUTES} minutes`)
      .max(POLICY_MAX_DURATION_MINUTES, "Maximum duration is at most 30 days"),
    requireJustification: z.boolean().default(true),
    requireTicket: z.boolean().default(false),
    ticketPattern: z
      .string()
      .trim()
      .max(200, "Ticket patterns are at most 200 characters")
      .nullish()
      .transform((value) => (value ? value : null)),
    autoApprove: z.boolean().default(false),
    approvalSteps: ZApprovalSteps.default([]),
    pendingTimeoutMinutes: z
      .number()
      .int("Pending timeout must be whole minutes")
      .min(POLICY_MIN_PENDING_TIMEOUT_MINUTES, `Pending timeout must be at least ${POLICY_MIN_PENDING_TIMEOUT_MINUTES} minutes`)
      .max(POLICY_MAX_PENDING_TIMEOUT_MINUTES, "Pending timeout is at most 30 days")
      .default(1440),
  })
  .superRefine((policy, ctx) => {
    if (!policy.allowEveryone && policy.requesterUserIds.length === 0 && policy.requesterGroupIds.length === 0) {
      ctx.addIssue({
        code: "custom",
        message: "Choose who may request: users, groups, or everyone",
        path: ["requesterUserIds"],
      });
    }
    if (!policy.autoApprove && policy.approvalSteps.length === 0) {
      ctx.addIssue({
        code: "custom",
        message: "Add at least one approval step, or turn on automatic approval",
        path: ["approvalSteps"],
      });
    }
    if (policy.autoApprove && policy.approvalSteps.length > 0) {
      ctx.addIssue({
        code: "custom",
        message: "Automatic approval ignores approval steps; remove them or turn automatic approval off",
        path: ["approvalSteps"],
      });
    }
    // One person's approval counts at one step only (checkApprovalReachable): steps naming users alone must
    // name, together, at least as many different people as their quorums add up to. Checked on the policy
    // input only: frozen snapshots are judged by the evaluator and decide as they were saved.
    const usersOnly = policy.approvalSteps.filter((step) => step.groupIds.length === 0 && step.userIds.length > 0);
    const people = new Set(usersOnly.flatMap((step) => step.userIds)).size;
    const needed = usersOnly.reduce((sum, step) => sum + step.quorum, 0);
    if (usersOnly.length >= 2 && people < needed) {
      ctx.addIssue({
        code: "custom",
        message: `The steps need ${needed} different approvers (one person approves at one step only), but name only ${people}`,
        path: ["approvalSteps"],
      });
    }
    if (policy.ticketPattern !== null && compileTicketPattern(policy.ticketPattern) === null) {
      ctx.addIssue({ code: "custom", message: "Ticket pattern is not a valid regular expression", path: ["ticketPattern"] });
    }
    // A level must exist for at least one of the types the policy covers, so typos are caught here
    // rather than silently matching nothing.
    const types: readonly TTargetType[] = policy.targetTypes.length > 0 ? policy.targetTypes : TARGET_TYPES;
    policy.accessLevels.forEach((level, index) => {
      if (!types.some((type) => isAccessLevel(type, level))) {
        const known = [...new Set(types.flatMap((type) => listAccessLevels(type).map((l) => l.id)))].join(", ");
        ctx.addIssue({
          code: "custom",
          message: `"${level}" is not an access level of the selected target types (${known})`,
          path: ["accessLevels", index],
        });
      }
    });
  });
export type TPolicyInput = z.infer<typeof ZPolicyInput>;
