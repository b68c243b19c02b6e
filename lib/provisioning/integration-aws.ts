import type { Integration } from "../db/generated/client.ts";
import { awsClients } from "../aws/aws-clients.ts";
import { rootCredentials, type TRootAuth } from "../aws/aws-credentials.ts";
import type { TIdentityCenter } from "../aws/identity-center-ops.ts";
import type { TIdentityStore } from "../aws/identity-store-ops.ts";
import { SecretBoxError } from "../crypto/secret-box.ts";
import { openRootAuth } from "../integrations/integration-credentials.ts";

/** What the worker needs to act in one integration's Identity Center. */
export type TIntegrationAws = { ic: TIdentityCenter; store: TIdentityStore };

export type TIntegrationAwsResolver = (integration: Integration) => TIntegrationAws;

type TCacheEntry = { key: string; value: TIntegrationAws };
const cache = new Map<string, TCacheEntry>();

export class IntegrationNotReadyError extends Error {
  override name = "IntegrationNotReadyError";
}

/** Set-up gaps are named like the others (the grant fails visibly for an admin to fix and retry), not as a generic AWS failure. */
function rootAuth(integration: Integration): TRootAuth {
  return openRootAuth(integration, (p) => {
    if (p.kind === "no-access-key") return new IntegrationNotReadyError("the integration has no access key");
    if (p.kind === "no-role") return new IntegrationNotReadyError("the integration has no role ARN");
    if (p.cause instanceof SecretBoxError) return new IntegrationNotReadyError(`the stored secret access key cannot be decrypted: ${p.cause.message}`);
    return p.cause instanceof Error ? p.cause : new Error(String(p.cause));
  });
}

/**
 * SDK clients for an integration's Identity Center, cached per integration until it is edited
 * (updatedAt changes). Endpoints follow the SDK's standard settings (AWS_ENDPOINT_URL…).
 * Assumes the caller is the worker or an admin-triggered reconcile.
 */
export function integrationAws(integration: Integration): TIntegrationAws {
  const key = `${integration.updatedAt.getTime()}`;
  const hit = cache.get(integration.id);
  if (hit && hit.key === key) return hit.value;
  if (integration.kind !== "IDENTITY_CENTER") throw new IntegrationNotReadyError(`integration kind ${integration.kind} has no Identity Center`);
  if (!integration.instanceArn || !integration.identityStoreId) throw new IntegrationNotReadyError("the integration has no Identity Center instance yet (run discovery)");
  const region = integration.ssoRegion ?? integration.region;
  const credentials = rootCredentials(rootAuth(integration), region);
  // Fewer SDK attempts than the default: the worker has its own backoff (a throttled step is
  // rescheduled, not failed), and a long SDK retry chain would hold the grant's lease and slots.
  const maxAttempts = 3;
  const value: TIntegrationAws = {
    ic: { sso: awsClients.ssoAdmin({ region, credentials, maxAttempts, retryMode: "standard" }), instanceArn: integration.instanceArn },
    store: { ids: awsClients.identityStore({ region, credentials, maxAttempts, retryMode: "standard" }), identityStoreId: integration.identityStoreId },
  };
  cache.set(integration.id, { key, value });
  return value;
}
