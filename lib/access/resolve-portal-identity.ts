import "server-only";
import type { TDb } from "../db/client.ts";
import type { TTx } from "../audit/append-audit-event.ts";

export type TPortalIdentity = {
  /** The Identity Center user (Principal) matched by the portal user's email, or null. */
  principal: { id: string; awsId: string; displayName: string; email: string | null } | null;
  /** Principal ids of the Identity Center groups the user belongs to (direct memberships). */
  groupIds: string[];
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
  if (!principal) return { principal: null, groupIds: [] };
  const memberships = await db.principalMembership.findMany({
    where: { memberId: principal.id, group: { deletedAt: null } },
    select: { groupId: true },
  });
  return { principal, groupIds: memberships.map((m) => m.groupId) };
}
