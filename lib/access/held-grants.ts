import type { TTx } from "../audit/append-audit-event.ts";

export type THeldTarget = {
  resourceId: string | null;
  permissionSetId: string | null;
  accountId: string | null;
  groupId: string | null;
  accessLevel: string;
};

/**
 * The requester's other access on one target and level that is live or booked (APPROVED, PROVISIONING,
 * ACTIVE, not revoked, not yet expired): the windows bookingOverrun bounds a new booking or an extension
 * against. `excludeGrantId` leaves out the grant being extended. Hold the requester's lock
 * (lockActiveRequester) so no other transaction adds one meanwhile.
 */
export function findHeldGrants(tx: TTx, userId: string, target: THeldTarget, now: Date, excludeGrantId?: string | null) {
  return tx.grant.findMany({
    where: {
      userId,
      ...(excludeGrantId ? { id: { not: excludeGrantId } } : {}),
      state: { in: ["APPROVED", "PROVISIONING", "ACTIVE"] },
      revokedById: null,
      expiresAt: { gt: now },
      request: { resourceId: target.resourceId, permissionSetId: target.permissionSetId, accountId: target.accountId, groupId: target.groupId, accessLevel: target.accessLevel },
    },
    select: { startsAt: true, expiresAt: true },
  });
}
