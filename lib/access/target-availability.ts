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
