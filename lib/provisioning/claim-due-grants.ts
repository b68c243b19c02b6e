import type { TDb } from "../db/client.ts";

/**
 * Leases up to `limit` due grants to `workerId`: `SELECT … FOR UPDATE SKIP LOCKED` inside a
 * transaction, then lockedBy/lockedUntil, so any number of workers (replicas, overlapping ticks)
 * never work on one grant at once. A lease that ran out (a crashed worker) can be claimed again.
 * System actor: no authorization.
 */
export async function claimDueGrants(db: TDb, workerId: string, options: { now?: Date; limit: number; leaseMs: number }): Promise<string[]> {
  const now = options.now ?? new Date();
  const lockedUntil = new Date(now.getTime() + options.leaseMs);
  return db.$transaction(async (tx) => {
    const due = await tx.$queryRaw<{ id: string }[]>`
      SELECT "id" FROM "Grant"
      WHERE ("state" IN ('APPROVED', 'PROVISIONING', 'ACTIVE', 'REVOKING') OR ("state" = 'FAILED' AND "step" IS NOT NULL))
        AND "nextRunAt" <= ${now}
        AND ("lockedUntil" IS NULL OR "lockedUntil" < ${now})
      ORDER BY "nextRunAt" ASC
      LIMIT ${options.limit}
      FOR UPDATE SKIP LOCKED`;
    const ids = due.map((r) => r.id);
    if (ids.length === 0) return [];
    await tx.grant.updateMany({ where: { id: { in: ids } }, data: { lockedBy: workerId, lockedUntil } });
    return ids;
  });
}

/** Gives the lease back (only if still ours). */
export async function releaseGrant(db: TDb, grantId: string, workerId: string): Promise<void> {
  await db.grant.updateMany({ where: { id: grantId, lockedBy: workerId }, data: { lockedBy: null, lockedUntil: null } });
}

/** When the next grant falls due (for the in-process scheduler's timer), or null. */
export async function nextDueAt(db: TDb): Promise<Date | null> {
  const next = await db.grant.findFirst({
    where: { OR: [{ state: { in: ["APPROVED", "PROVISIONING", "ACTIVE", "REVOKING"] } }, { state: "FAILED", step: { not: null } }] },
    orderBy: { nextRunAt: "asc" },
    select: { nextRunAt: true, lockedUntil: true },
  });
  if (!next) return null;
  return next.lockedUntil && next.lockedUntil > next.nextRunAt ? next.lockedUntil : next.nextRunAt;
}
