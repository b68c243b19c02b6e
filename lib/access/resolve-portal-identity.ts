import "server-only";
import type { TDb } from "../db/client.ts";
import type { TTx } from "../audit/append-audit-event.ts";

export type TPortalIdentity = {
  /** The Identity Center user (Principal) matched by the portal user's email, or null. */
  principal: { id: string; awsId: string; displayName: string; email: string | null } | null;
  /** Principal ids of the Identity Center groups the user belongs to (direct memberships). */
  groupIds: string[];
  /**
   * The groups that count for the portal's own rights, approving and requesting: `groupIds` minus those the
   * user holds only through a portal grant. Access requested through the portal never makes its holder an
   * approver (two people who each got an approver group for a few hours could approve each other's
   * requests), nor a requester under another policy (a 2-hour group grant could otherwise book weeks of
   * what that group may request). The AWS access the group carries is the grant itself.
   */
  standingGroupIds: string[];
};

/**
 * Maps a signed-in portal user to their Identity Center user in one integration, by email
 * (case-insensitive), as discovery recorded it. Read-only; assumes the caller authenticated the user.
 */
export async function resolvePortalIdentity(db: TDb | TTx, email: string, integrationId: string): Promise<TPortalIdentity> {
  const principal = await db.principal.findFirst({
    where: { integrationId, type: "USER", email: email.trim().toLowerCase(), deletedAt: null },
    select: { id: true, awsId: true, displayName: true, email: true },
  });
  if (!principal) return { principal: null, groupIds: [], standingGroupIds: [] };
  const [memberships, granted] = await Promise.all([
    db.principalMembership.findMany({ where: { memberId: principal.id, group: { deletedAt: null } }, select: { groupId: true, group: { select: { awsId: true } } } }),
    portalGrantedGroups(db, integrationId, [principal.awsId]),
  ]);
  const groupIds = memberships.map((m) => m.groupId);
  const standingGroupIds = memberships.filter((m) => !granted.has(grantedKey(principal.awsId, m.group.awsId))).map((m) => m.groupId);
  return { principal, groupIds, standingGroupIds };
}

/** The key of one (user, group) membership in the set portalGrantedGroups returns. */
export function grantedKey(userAwsId: string | null, groupAwsId: string | null): string {
  return `${userAwsId}|${groupAwsId}`;
}

/**
 * grantedKey(userAwsId, groupAwsId) for every group membership the portal gave (not standing access it found) that may
 * still be in place: provisioning, active, being removed, or failed and still cleaning up (`step` set; a
 * membership added but not yet recorded counts too).
 */
export async function portalGrantedGroups(db: TDb | TTx, integrationId: string, userAwsIds: readonly string[]): Promise<Set<string>> {
  if (userAwsIds.length === 0) return new Set();
  const grants = await db.grant.findMany({
    where: {
      integrationId,
      kind: "GROUP_MEMBERSHIP",
      preExisting: false,
      principalId: { in: [...userAwsIds] },
      OR: [{ state: { in: ["PROVISIONING", "ACTIVE", "REVOKING"] } }, { state: "FAILED", step: { not: null } }],
    },
    select: { principalId: true, groupAwsId: true },
  });
  return new Set(grants.map((g) => grantedKey(g.principalId, g.groupAwsId)));
}
