import type { TResourceTypeName, TSubAccountEntry, TTagFilter } from "../integrations/integration-config-schema.ts";
import { effectiveResourceTypes, matchesTagFilters } from "./resource-filters.ts";

export type TScanTarget = {
  accountId: string;
  roleArn: string;
  externalId: string | null;
  /** Null: every enabled region (DescribeRegions). */
  regions: string[] | null;
  /** The entry's `region`: where this account's regional calls (DescribeRegions, S3 listing) go; null: the root's. */
  homeRegion: string | null;
  resourceTypes: TResourceTypeName[];
  /** Global and per-entry tag filters; both must hold. */
  tagFilters: { global: TTagFilter[]; entry: TTagFilter[] };
  /** Which sub_accounts entry applies, for error messages ("sub_accounts[0]"). */
  entryIndex: number;
};

/**
 * Which accounts to scan and how. An explicit entry for an account overrides the "*" entry. The
 * wildcard covers every ACTIVE member account but not the management account: StackSets with
 * service-managed permissions never deploy there, so the role would not exist (list it explicitly
 * to scan it). Suspended or closing accounts cannot be entered and are skipped. Pure.
 */
export function resolveScanTarget(
  account: { accountId: string; state: string; isManagement: boolean },
  entries: readonly TSubAccountEntry[],
  global: { resourceTypes: readonly TResourceTypeName[]; tags: readonly TTagFilter[] },
): TScanTarget | null {
  if (account.state !== "ACTIVE") return null;
  let index = entries.findIndex((e) => e.account_id === account.accountId);
  if (index < 0 && !account.isManagement) index = entries.findIndex((e) => e.account_id === "*");
  const entry = index >= 0 ? entries[index] : undefined;
  if (!entry || entry.enabled === false) return null;
  const regions = entry.regions && entry.regions.length > 0 ? entry.regions : null;
  return {
    accountId: account.accountId,
    roleArn: entry.access_role_arn.replace("*", account.accountId),
    externalId: entry.external_id ?? null,
    regions,
    homeRegion: entry.region ?? null,
    resourceTypes: effectiveResourceTypes(global.resourceTypes, entry.resource_types),
    tagFilters: { global: [...global.tags], entry: entry.tags ?? [] },
    entryIndex: index,
  };
}

/**
 * Whether a stored resource is still inside what the config asks to discover for its account (null
 * target: the account is no longer covered). Lets a saved config take things out of the catalog at
 * once instead of at the next run; additions still need a run. Pure.
 */
export function coveredByTarget(r: { type: string; region: string | null; tags: Readonly<Record<string, string>> }, target: TScanTarget | null): boolean {
  if (!target) return false;
  if (!(target.resourceTypes as readonly string[]).includes(r.type)) return false;
  if ((r.type === "EC2_INSTANCE" || r.type === "SECRET") && target.regions && r.region && !target.regions.includes(r.region)) return false;
  return matchesTagFilters(r.tags, target.tagFilters.global) && matchesTagFilters(r.tags, target.tagFilters.entry);
}
