import type { TIntegrationConfig, TSubAccountEntry, TTagFilter, TResourceTypeName } from "./integration-config-schema.ts";
import { SECRET_SET } from "./integration-config-schema.ts";

/** The Integration columns a config sets (the secret is handled by the caller: it must be encrypted). */
export type TIntegrationColumns = {
  name: string;
  enabled: boolean;
  authMethod: "ACCESS_KEY" | "ASSUME_ROLE";
  rootAccountId: string | null;
  accessKeyId: string | null;
  roleArn: string | null;
  externalId: string | null;
  region: string;
  ssoRegion: string | null;
  instanceArn: string | null;
  identityStoreId: string | null;
  subAccounts: TSubAccountEntry[];
  options: { resource_types: TResourceTypeName[]; tags: TTagFilter[] };
  tempPermissionSetPrefix: string;
  syncIntervalMinutes: number;
};

/**
 * Maps a validated config onto the Integration model. `newSecret` is the plaintext to store, or
 * null to keep what is stored ("set", empty or omitted). Pure.
 */
export function mapIntegrationConfig(config: TIntegrationConfig): { columns: TIntegrationColumns; newSecret: string | null } {
  const r = config.root_account;
  const role = Boolean(r.access_role_arn);
  const secret = r.secret_access_key?.trim();
  return {
    columns: {
      name: config.name,
      enabled: config.enabled,
      authMethod: role ? "ASSUME_ROLE" : "ACCESS_KEY",
      rootAccountId: r.account_id ?? (role ? (r.access_role_arn?.split(":")[4] ?? null) : null),
      accessKeyId: role ? null : (r.access_key_id ?? null),
      roleArn: role ? (r.access_role_arn ?? null) : null,
      externalId: role ? (r.external_id ?? null) : null,
      region: r.region,
      ssoRegion: config.options.sso_region ?? null,
      instanceArn: config.options.sso_instance_arn ?? null,
      identityStoreId: config.options.identity_store_id ?? null,
      subAccounts: config.sub_accounts,
      options: { resource_types: config.options.resource_types, tags: config.options.tags },
      tempPermissionSetPrefix: config.options.temp_permission_set_prefix,
      syncIntervalMinutes: config.options.sync_interval_minutes,
    },
    newSecret: role || !secret || secret === SECRET_SET ? null : secret,
  };
}
