import "server-only";
import type { TDb } from "../db/client.ts";
import { RESOURCE_TYPES, type TResourceTypeName } from "../integrations/integration-config-schema.ts";

export type TDiscoveredAccount = {
  id: string;
  accountId: string;
  name: string;
  state: string;
  isManagement: boolean;
  ouPath: string | null;
  lastSyncedAt: string | null;
  lastSyncError: string | null;
  counts: Record<TResourceTypeName, number>;
  permissionSets: { id: string; name: string; portalManaged: boolean }[];
  resources: { id: string; type: TResourceTypeName; name: string; arn: string; region: string | null; tags: Record<string, string> }[];
  resourcesShown: number;
  resourcesTotal: number;
};

const PER_ACCOUNT_LIMIT = 200;

/**
 * What discovery found in one integration, grouped by sub-account (with its OU path) as commercial
 * portals show it: per account the permission sets provisioned there, counts per resource type and
 * the resources (first 200 per account, optionally filtered by type or a search string).
 * Assumes the caller is an admin.
 */
export async function listDiscoveredResources(db: TDb, integrationId: string, filter: { type?: TResourceTypeName; q?: string } = {}) {
  const [accounts, grouped, psLinks, resources] = await Promise.all([
    db.account.findMany({ where: { integrationId, deletedAt: null }, include: { orgUnit: { select: { path: true } } }, orderBy: [{ name: "asc" }] }),
    db.resource.groupBy({ by: ["accountId", "type"], where: { integrationId, deletedAt: null }, _count: { _all: true } }),
    db.permissionSetAccount.findMany({ where: { deletedAt: null, permissionSet: { integrationId, deletedAt: null } }, include: { permissionSet: { select: { id: true, name: true, portalManaged: true } } } }),
    db.resource.findMany({
      where: {
        integrationId,
        deletedAt: null,
        ...(filter.type ? { type: filter.type } : {}),
        ...(filter.q ? { searchText: { contains: filter.q.toLowerCase() } } : {}),
      },
      orderBy: [{ type: "asc" }, { name: "asc" }],
      select: { id: true, accountId: true, type: true, name: true, arn: true, region: true, tags: true },
      take: 20_000,
    }),
  ]);
  const byAccount = new Map<string, TDiscoveredAccount>();
  for (const a of accounts) {
    byAccount.set(a.id, {
      id: a.id,
      accountId: a.accountId,
      name: a.name,
      state: a.state,
      isManagement: a.isManagement,
      ouPath: a.orgUnit?.path ?? null,
      lastSyncedAt: a.lastSyncedAt?.toISOString() ?? null,
      lastSyncError: a.lastSyncError,
      counts: Object.fromEntries(RESOURCE_TYPES.map((t) => [t, 0])) as Record<TResourceTypeName, number>,
      permissionSets: [],
      resources: [],
      resourcesShown: 0,
      resourcesTotal: 0,
    });
  }
  for (const g of grouped) {
    const a = byAccount.get(g.accountId);
    if (a) {
      a.counts[g.type] = g._count._all;
      a.resourcesTotal += g._count._all;
    }
  }
  for (const l of psLinks) byAccount.get(l.accountId)?.permissionSets.push(l.permissionSet);
  for (const r of resources) {
    const a = byAccount.get(r.accountId);
    if (!a) continue;
    a.resourcesShown += 1;
    if (a.resources.length < PER_ACCOUNT_LIMIT) a.resources.push({ id: r.id, type: r.type, name: r.name, arn: r.arn, region: r.region, tags: (r.tags ?? {}) as Record<string, string> });
  }
  const list = [...byAccount.values()];
  for (const a of list) a.permissionSets.sort((x, y) => x.name.localeCompare(y.name));
  list.sort((x, y) => (x.ouPath ?? "").localeCompare(y.ouPath ?? "") || x.name.localeCompare(y.name));
  const totals = Object.fromEntries(RESOURCE_TYPES.map((t) => [t, list.reduce((n, a) => n + a.counts[t], 0)])) as Record<TResourceTypeName, number>;
  return { accounts: list, totals, perAccountLimit: PER_ACCOUNT_LIMIT };
}
