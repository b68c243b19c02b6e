import "server-only";
import type { TDb } from "../db/client.ts";

/**
 * Every integration with its latest discovery run and what it found, for the admin overview.
 * Never returns secrets. Assumes the caller is an admin (requireAdminPage).
 */
export async function listIntegrations(db: TDb) {
  const rows = await db.integration.findMany({
    orderBy: { name: "asc" },
    select: {
      id: true,
      name: true,
      enabled: true,
      authMethod: true,
      accessKeyId: true,
      roleArn: true,
      instanceArn: true,
      lastSyncAt: true,
      syncIntervalMinutes: true,
      syncRuns: { orderBy: { startedAt: "desc" }, take: 1, select: { id: true, status: true, startedAt: true, finishedAt: true, accountsDone: true, accountsTotal: true, resourcesFound: true } },
      _count: { select: { accounts: { where: { deletedAt: null } }, resources: { where: { deletedAt: null } }, permissionSets: { where: { deletedAt: null } } } },
    },
  });
  return rows.map(({ syncRuns, _count, ...r }) => ({ ...r, lastRun: syncRuns[0] ?? null, counts: _count }));
}

export type TIntegrationListItem = Awaited<ReturnType<typeof listIntegrations>>[number];

/** Id and name of every integration, by name (pickers). Assumes the caller is an admin. */
export function listIntegrationNames(db: TDb) {
  return db.integration.findMany({ orderBy: { name: "asc" }, select: { id: true, name: true } });
}
