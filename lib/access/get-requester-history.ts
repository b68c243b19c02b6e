import "server-only";
import type { TDb } from "../db/client.ts";
import type { TTx } from "../audit/append-audit-event.ts";
import { readTargetSnapshot } from "./read-target-snapshot.ts";

export type TRequesterHistoryItem = {
  id: string;
  createdAt: string;
  status: string;
  /** The grant's state when the request was approved (ACTIVE, EXPIRED, REVOKED, FAILED, …). */
  grantState: string | null;
  targetName: string;
  /** Target type of the request (RESOURCE types, PERMISSION_SET, GROUP), to label its access level. */
  targetType: string;
  accountName: string | null;
  accessLevel: string;
  durationMinutes: number;
};

/**
 * A requester's most recent requests with their outcome, for an approver judging a new one.
 * Assumes the caller checked that the viewer may decide a request of this requester (the inbox only
 * calls it for requests the viewer can decide). `excludeRequestId` leaves out the request being judged.
 */
export async function getRequesterHistory(
  db: TDb | TTx,
  requesterId: string,
  options: { limit?: number; excludeRequestId?: string } = {},
): Promise<TRequesterHistoryItem[]> {
  const rows = await db.accessRequest.findMany({
    where: { requesterId, ...(options.excludeRequestId ? { id: { not: options.excludeRequestId } } : {}) },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: Math.min(Math.max(options.limit ?? 5, 1), 50),
    select: {
      id: true,
      createdAt: true,
      status: true,
      accessLevel: true,
      targetType: true,
      durationMinutes: true,
      targetSnapshot: true,
      grant: { select: { state: true } },
      resource: { select: { name: true, type: true } },
      permissionSet: { select: { name: true } },
      group: { select: { displayName: true } },
      account: { select: { name: true } },
    },
  });
  return rows.map((row) => {
    const target = readTargetSnapshot(row.targetSnapshot);
    return {
      id: row.id,
      createdAt: row.createdAt.toISOString(),
      status: row.status,
      grantState: row.grant?.state ?? null,
      targetName: target.name ?? row.resource?.name ?? row.permissionSet?.name ?? row.group?.displayName ?? "(unknown target)",
      targetType: target.type ?? row.resource?.type ?? row.targetType,
      accountName: target.accountName ?? row.account?.name ?? null,
      accessLevel: row.accessLevel,
      durationMinutes: row.durationMinutes,
    };
  });
}
