import type { TTx } from "../audit/append-audit-event.ts";
import { storedOptions, storedSubAccounts } from "../integrations/integration-config-view.ts";
import { coveredByTarget, resolveScanTarget } from "./resolve-scan-targets.ts";

const CHUNK = 1000;

/**
 * Soft-deletes the live resources the integration's stored config no longer covers: accounts no
 * entry covers (or disabled, or not ACTIVE), types taken out, regions dropped, tag filters that no
 * longer match the stored tags. Run when the config is saved so narrowing it takes effect at once;
 * a discovery run does the same and adds whatever widening it found. Returns how many left.
 */
export async function pruneResourcesToConfig(db: TTx, integrationId: string, now = new Date()): Promise<number> {
  const integration = await db.integration.findUniqueOrThrow({ where: { id: integrationId }, select: { subAccounts: true, options: true } });
  const entries = storedSubAccounts(integration.subAccounts);
  const options = storedOptions(integration.options);
  const accounts = await db.account.findMany({ where: { integrationId, deletedAt: null }, select: { id: true, accountId: true, state: true, isManagement: true } });
  const targets = new Map(accounts.map((a) => [a.id, resolveScanTarget(a, entries, { resourceTypes: options.resource_types, tags: options.tags })]));
  const resources = await db.resource.findMany({ where: { integrationId, deletedAt: null }, select: { id: true, accountId: true, type: true, region: true, tags: true } });
  const gone = resources
    .filter((r) => targets.has(r.accountId) && !coveredByTarget({ type: r.type, region: r.region, tags: (r.tags ?? {}) as Record<string, string> }, targets.get(r.accountId) ?? null))
    .map((r) => r.id);
  for (let i = 0; i < gone.length; i += CHUNK) {
    await db.resource.updateMany({ where: { id: { in: gone.slice(i, i + CHUNK) }, deletedAt: null }, data: { deletedAt: now } });
  }
  return gone.length;
}
