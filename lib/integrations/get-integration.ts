import "server-only";
import type { TDb } from "../db/client.ts";
import { AppError } from "../errors/app-error.ts";
import { integrationConfigView } from "./integration-config-view.ts";
import { storedOptions, storedSubAccounts } from "./integration-config-view.ts";
import { buildSetupDocuments, setupResourceTypes } from "./setup-documents.ts";
import { partitionOfRegion } from "../aws/partition.ts";

/**
 * One integration as the admin pages show it: its config with the secret replaced by "set", and the
 * setup documents filled in from it. Throws NOT_FOUND. Assumes the caller is an admin.
 */
export async function getIntegration(db: TDb, id: string) {
  const row = await db.integration.findUnique({ where: { id } });
  if (!row) throw new AppError("NOT_FOUND", { userMessage: "That integration does not exist." });
  const entries = storedSubAccounts(row.subAccounts);
  const entry = entries.find((e) => e.account_id === "*") ?? entries[0];
  const options = storedOptions(row.options);
  const partition = partitionOfRegion(row.region);
  const setup = buildSetupDocuments({
    partition,
    managementAccountId: row.rootAccountId ?? (await db.account.findFirst({ where: { integrationId: id, isManagement: true }, select: { accountId: true } }))?.accountId ?? null,
    authMethod: row.authMethod,
    rootRoleArn: row.roleArn,
    rootExternalId: row.externalId,
    subAccountRoleArn: entry?.access_role_arn ?? `arn:${partition}:iam::*:role/jit-portal-access`,
    otherEntries: entries.filter((e) => e.enabled !== false && e !== entry).map((e) => ({ accountId: e.account_id, roleArn: e.access_role_arn, externalId: e.external_id ?? null })),
    subAccountExternalId: entry?.external_id ?? null,
    resourceTypes: setupResourceTypes(options.resource_types, entries),
    instanceArn: row.instanceArn,
    tempPermissionSetPrefix: row.tempPermissionSetPrefix,
  });
  return {
    id: row.id,
    name: row.name,
    enabled: row.enabled,
    authMethod: row.authMethod,
    instanceArn: row.instanceArn,
    identityStoreId: row.identityStoreId,
    lastSyncAt: row.lastSyncAt,
    syncIntervalMinutes: row.syncIntervalMinutes,
    config: integrationConfigView(row),
    /** The row's version as loaded: the editor sends it back (saveIntegration's `loadedAt`). */
    updatedAt: row.updatedAt.toISOString(),
    setup,
  };
}

