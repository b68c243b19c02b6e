/**
 * Why what a request asks for can no longer be granted (its integration disabled, its account suspended
 * or gone, the resource, permission set or group removed from AWS or from the catalog), or null. Read
 * from the rows the request points at, not from the catalog's views (a permission set leaves an account's
 * catalog entry when its last assignment goes, yet can still be assigned there). Pure; the approval and
 * the worker both ask it.
 */
export function whyTargetGone(target: {
  integration: { enabled: boolean; rootAccountId: string | null };
  account: { state: string; deletedAt: Date | null; accountId: string; isManagement: boolean } | null;
  resource: { deletedAt: Date | null } | null;
  permissionSet: { deletedAt: Date | null; accounts: TManagementLink[] } | null;
  group: { deletedAt: Date | null } | null;
}): string | null {
  if (!target.integration.enabled) return "the AWS integration was disabled";
  if (target.account && (target.account.deletedAt || target.account.state !== "ACTIVE")) return "its AWS account was suspended or left the organization";
  if (target.account && managementOutOfReach(target.integration, target.account)) return DELEGATED_ADMIN_REASON;
  if (target.permissionSet && permissionSetOutOfReach(target.integration, target.permissionSet.accounts)) return DELEGATED_ADMIN_SET_REASON;
  if (target.resource?.deletedAt || target.permissionSet?.deletedAt || target.group?.deletedAt) return "it was removed from AWS or from the catalog";
  return null;
}

/**
 * AWS lets only the management account change access in the management account: a portal connected
 * through Identity Center's delegated administrator (its credentials' account is not the management
 * account) can neither assign there nor change the permission sets provisioned there. Unknown credentials'
 * account (rootAccountId null): assumed to be the management account.
 */
export function managementOutOfReach(integration: { rootAccountId: string | null }, account: { accountId: string; isManagement: boolean }): boolean {
  return account.isManagement && integration.rootAccountId !== null && integration.rootAccountId !== account.accountId;
}

export const DELEGATED_ADMIN_REASON = "it is in the management account, which the portal cannot change as Identity Center's delegated administrator";

type TManagementLink = { account: { accountId: string; isManagement: boolean } };

/** A permission set's links to the management account: select them as `accounts` for permissionSetOutOfReach. */
export const MANAGEMENT_LINKS = {
  where: { deletedAt: null, account: { isManagement: true } },
  select: { account: { select: { accountId: true, isManagement: true } } },
} as const;

/**
 * A permission set provisioned to the management account cannot be managed by a delegated administrator
 * in any account: AWS denies assigning it anywhere, not only in the management account (sso-elevator and
 * TEAM both meet this). `links`: its MANAGEMENT_LINKS.
 */
export function permissionSetOutOfReach(integration: { rootAccountId: string | null }, links: readonly TManagementLink[]): boolean {
  return links.some((link) => managementOutOfReach(integration, link.account));
}

export const DELEGATED_ADMIN_SET_REASON =
  "its permission set is also provisioned to the management account, which the portal cannot manage as Identity Center's delegated administrator";

/** What to select on AccessRequest for whyTargetGone. */
export const TARGET_AVAILABILITY_SELECT = {
  integration: { select: { enabled: true, rootAccountId: true } },
  account: { select: { state: true, deletedAt: true, accountId: true, isManagement: true } },
  resource: { select: { deletedAt: true } },
  permissionSet: { select: { deletedAt: true, accounts: MANAGEMENT_LINKS } },
  group: { select: { deletedAt: true } },
} as const;

const BLOCKER_SELECT = { id: true, ...TARGET_AVAILABILITY_SELECT, requester: { select: { disabled: true } } } as const;

type TBlockerRow = Parameters<typeof whyTargetGone>[0] & { id: string; requester: { disabled: boolean } };
type TReader = {
  accessRequest: { findMany(args: { where: { id: { in: string[] } }; select: typeof BLOCKER_SELECT }): Promise<TBlockerRow[]> };
  policy: { findMany(args: { where: { id: { in: string[] }; enabled: boolean }; select: { id: true } }): Promise<{ id: string }[]> };
};

const matchedPolicies = (snapshot: unknown): string[] => {
  const matched = (snapshot as { matchedPolicyIds?: unknown } | null)?.matchedPolicyIds;
  return Array.isArray(matched) ? matched.map(String) : [];
};

/**
 * Why each pending request can no longer be approved, in words for the approver, or null: its requester's
 * account was disabled, its target is gone (whyTargetGone), or every policy that allowed it has been
 * disabled or deleted since (an admin's brake; the frozen rules still decide who approves). Denying stays
 * possible. Two queries whatever the number of requests (the approver inbox asks for all of its items).
 * A request id that does not exist maps to null. Read-only.
 */
export async function approvalBlockers(db: TReader, requests: readonly { id: string; policySnapshot: unknown }[]): Promise<Map<string, string | null>> {
  const out = new Map<string, string | null>();
  if (requests.length === 0) return out;
  const rows = new Map((await db.accessRequest.findMany({ where: { id: { in: requests.map((r) => r.id) } }, select: BLOCKER_SELECT })).map((r) => [r.id, r]));
  const wanted = [...new Set(requests.flatMap((r) => matchedPolicies(r.policySnapshot)))];
  const enabled = new Set(wanted.length > 0 ? (await db.policy.findMany({ where: { id: { in: wanted }, enabled: true }, select: { id: true } })).map((p) => p.id) : []);
  for (const request of requests) {
    const row = rows.get(request.id);
    const matched = matchedPolicies(request.policySnapshot);
    let reason: string | null = null;
    const gone = row ? whyTargetGone(row) : null;
    if (row?.requester.disabled) reason = "The requester's portal account has been disabled, so this request can no longer be approved. Deny it.";
    else if (gone) reason = `What this request asks for is no longer available (${gone}), so it can no longer be approved. Deny it.`;
    else if (matched.length > 0 && !matched.some((id) => enabled.has(id))) {
      reason = "The policy that allowed this request has been disabled or deleted since it was submitted, so it can no longer be approved. Deny it, or ask an administrator.";
    }
    out.set(request.id, reason);
  }
  return out;
}

/** approvalBlockers for one request. */
export async function approvalBlocker(db: TReader, request: { id: string; policySnapshot: unknown }): Promise<string | null> {
  return (await approvalBlockers(db, [request])).get(request.id) ?? null;
}
