import { fromNodeProviderChain, fromTemporaryCredentials } from "@aws-sdk/credential-providers";
import type { TAwsCredentials } from "./aws-clients.ts";

export type TRootAuth =
  | { method: "ACCESS_KEY"; accessKeyId: string; secretAccessKey: string }
  /** Assumed from the server's own credentials (environment, pod identity, instance profile). */
  | { method: "ASSUME_ROLE"; roleArn: string; externalId?: string | null };

const SESSION_NAME = "jit-access-portal";

/** Credentials for the management (root) account of an integration. Decrypt secrets before calling. */
export function rootCredentials(auth: TRootAuth, region: string): TAwsCredentials {
  if (auth.method === "ACCESS_KEY") return { accessKeyId: auth.accessKeyId, secretAccessKey: auth.secretAccessKey };
  return fromTemporaryCredentials({
    params: { RoleArn: auth.roleArn, RoleSessionName: SESSION_NAME, DurationSeconds: 3600, ...(auth.externalId ? { ExternalId: auth.externalId } : {}) },
    masterCredentials: fromNodeProviderChain(),
    clientConfig: { region },
  });
}

/**
 * Credentials for a sub-account role (`access_role_arn` with `*` replaced by the account id),
 * assumed with the root credentials and the external id. The SDK refreshes them before expiry.
 */
export function subAccountCredentials(root: TAwsCredentials, roleArnTemplate: string, accountId: string, externalId: string | null | undefined, region: string): TAwsCredentials {
  return fromTemporaryCredentials({
    params: {
      RoleArn: roleArnTemplate.replace("*", accountId),
      RoleSessionName: SESSION_NAME,
      DurationSeconds: 3600,
      ...(externalId ? { ExternalId: externalId } : {}),
    },
    masterCredentials: root,
    clientConfig: { region },
  });
}
