import { ZIntegrationOptions, ZSubAccountEntry, SECRET_SET, type TIntegrationConfigInput, type TSubAccountEntry } from "./integration-config-schema.ts";
import { z } from "zod";
import type { Integration } from "../db/generated/client.ts";

/** The stored columns the editor shows (subAccounts/options stay JSON until validated). */
export type TIntegrationRowForView = Pick<
  Integration,
  | "name"
  | "enabled"
  | "authMethod"
  | "rootAccountId"
  | "accessKeyId"
  | "secretAccessKeyEnc"
  | "roleArn"
  | "externalId"
  | "region"
  | "ssoRegion"
  | "instanceArn"
  | "identityStoreId"
  | "tempPermissionSetPrefix"
  | "syncIntervalMinutes"
> & { subAccounts: unknown; options: unknown };

/** Reads the stored sub-account entries, dropping anything that no longer validates. Pure. */
export function storedSubAccounts(json: unknown): TSubAccountEntry[] {
  const parsed = z.array(z.unknown()).safeParse(json);
  if (!parsed.success) return [];
  return parsed.data.flatMap((e) => {
    const one = ZSubAccountEntry.safeParse(e);
    return one.success ? [one.data] : [];
  });
}

/** Reads the stored options ({ resource_types, tags }). Pure. */
export function storedOptions(json: unknown) {
  // Lenient about other keys: a stored row must never fall back to "every type, no tags" over an extra field.
  const parsed = z.object({ resource_types: ZIntegrationOptions.shape.resource_types, tags: ZIntegrationOptions.shape.tags }).safeParse(json ?? {});
  return parsed.success ? parsed.data : { resource_types: [], tags: [] };
}

/**
 * The config as the browser may see it: the secret access key is replaced by "set" (or absent).
 * Pure; callers must already have checked the viewer is an admin.
 */
export function integrationConfigView(row: TIntegrationRowForView): TIntegrationConfigInput {
  const options = storedOptions(row.options);
  const root: TIntegrationConfigInput["root_account"] =
    row.authMethod === "ASSUME_ROLE"
      ? {
          ...(row.rootAccountId ? { account_id: row.rootAccountId } : {}),
          access_role_arn: row.roleArn ?? "",
          ...(row.externalId ? { external_id: row.externalId } : {}),
          region: row.region,
        }
      : {
          access_key_id: row.accessKeyId ?? "",
          ...(row.secretAccessKeyEnc ? { secret_access_key: SECRET_SET } : {}),
          region: row.region,
        };
  return {
    name: row.name,
    enabled: row.enabled,
    root_account: root,
    sub_accounts: storedSubAccounts(row.subAccounts),
    options: {
      ...(row.instanceArn ? { sso_instance_arn: row.instanceArn } : {}),
      ...(row.ssoRegion ? { sso_region: row.ssoRegion } : {}),
      ...(row.identityStoreId ? { identity_store_id: row.identityStoreId } : {}),
      resource_types: options.resource_types,
      tags: options.tags,
      temp_permission_set_prefix: row.tempPermissionSetPrefix,
      sync_interval_minutes: row.syncIntervalMinutes,
    },
  };
}
