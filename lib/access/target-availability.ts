/**
 * Why what a request asks for can no longer be granted (its integration disabled, its account suspended
 * or gone, the resource, permission set or group removed from AWS or from the catalog), or null. Read
 * from the rows the request points at, not from the catalog's views (a permission set leaves an account's
 * catalog entry when its last assignment goes, yet can still be assigned there). Pure; the approval and
 * the worker both ask it.
 */
export function whyTargetGone(target: {
  integration: { enabled: boolean };
  account: { state: string; deletedAt: Date | null } | null;
  resource: { deletedAt: Date | null } | null;
  permissionSet: { deletedAt: Date | null } | null;
  group: { deletedAt: Date | null } | null;
}): string | null {
  if (!target.integration.enabled) return "the AWS integration was disabled";
  if (target.account && (target.account.deletedAt || target.account.state !== "ACTIVE")) return "its AWS account was suspended or left the organization";
  if (target.resource?.deletedAt || target.permissionSet?.deletedAt || target.group?.deletedAt) return "it was removed from AWS or from the catalog";
  return null;
}

/** What to select on AccessRequest for whyTargetGone. */
export const TARGET_AVAILABILITY_SELECT = {
  integration: { select: { enabled: true } },
  account: { select: { state: true, deletedAt: true } },
  resource: { select: { deletedAt: true } },
  permissionSet: { select: { deletedAt: true } },
  group: { select: { deletedAt: true } },
} as const;

const BLOCKER_SELECT = { ...TARGET_AVAILABILITY_SELECT, requester: { select: { disabled: true } } } as const;

type TReader = {
  accessRequest: {
    findUniqueOrThrow(args: { where: { id: string }; select: typeof BLOCKER_SELECT }): Promise<Parameters<typeof whyTargetGone>[0] & { requester: { disabled: boolean } }>;
  };
  policy: { count(args: { where: { id: { in: string[] }; enabled: boolean } }): Promise<number> };
};

/**
 * Why a pending request can no longer be approved, in words for the approver, or null: its requester's
 * account was disabled, its target is gone (whyTargetGone), or every policy that allowed it has been disabled or deleted since (an admin's brake;
 * the frozen rules still decide who approves). Denying stays possible. Read-only.
 */
export async function approvalBlocker(db: TReader, request: { id: string; policySnapshot: unknown }): Promise<string | null> {
  const row = await db.accessRequest.findUniqueOrThrow({ where: { id: request.id }, select: BLOCKER_SELECT });
  if (row.requester.disabled) return "The requester's portal account has been disabled, so this request can no longer be approved. Deny it.";
  const gone = whyTargetGone(row);
  if (gone) return `What this request asks for is no longer available (${gone}), so it can no longer be approved. Deny it.`;
  const matched = (request.policySnapshot as { matchedPolicyIds?: unknown } | null)?.matchedPolicyIds;
  if (Array.isArray(matched) && matched.length > 0 && (await db.policy.count({ where: { id: { in: matched.map(String) }, enabled: true } })) === 0) {
    return "The policy that allowed this request has been disabled or deleted since it was submitted, so it can no longer be approved. Deny it, or ask an administrator.";
  }
  return null;
}
