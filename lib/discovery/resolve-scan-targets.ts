import type { TResourceTypeName, TSubAccountEntry, TTagFilter } from "../integrations/integration-config-schema.ts";
import { effectiveResourceTypes } from "./resource-filters.ts";

export type TScanTarget = {
  accountId: string;
  roleArn: string;
  externalId: string | null;
  /** Null: every enabled region (DescribeRegions). */
  regions: string[] | null;
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
    resourceTypes: effectiveResourceTypes(global.resourceTypes, entry.resource_types),
    tagFilters: { global: [...global.tags], entry: entry.tags ?? [] },
    entryIndex: index,
  };
}
