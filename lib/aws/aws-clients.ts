import { EC2Client } from "@aws-sdk/client-ec2";
import { IAMClient } from "@aws-sdk/client-iam";
import { IdentitystoreClient } from "@aws-sdk/client-identitystore";
import { OrganizationsClient } from "@aws-sdk/client-organizations";
import { S3Client } from "@aws-sdk/client-s3";
import { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { SSOAdminClient } from "@aws-sdk/client-sso-admin";
import { STSClient } from "@aws-sdk/client-sts";
import { sharedAwsConfig } from "./aws-shared-config.ts";
import { globalServiceRegion, partitionOfRegion } from "./partition.ts";
import type { NodeHttpHandler } from "@smithy/node-http-handler";
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from "@aws-sdk/types";

/**
 * The only place that constructs AWS SDK clients. Endpoints come from the SDK's standard settings
 * (AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_<SERVICE>), so any AWS-compatible endpoint — including the
 * bundled simulator — works without code changes. Throttling is retried with the SDK's adaptive
 * mode (client-side token bucket plus backoff with jitter).
 */
export type TAwsCredentials = AwsCredentialIdentity | AwsCredentialIdentityProvider;

export type TClientOptions = {
  region: string;
  credentials: TAwsCredentials;
  /** Total attempts including the first; throttling and 5xx are retried. Default 6. */
  maxAttempts?: number;
  /**
   * Default "adaptive". The provisioning worker uses "standard": it paces itself with the shared
   * limiter and reschedules throttled steps, whereas adaptive mode's per-client token bucket (floor
   * 0.5 req/s) would stall every grant sharing the client after a burst of throttles.
   */
  retryMode?: "standard" | "adaptive";
  /** A shared connection pool (lib/aws/aws-http-handler.ts); such clients must not be destroy()ed. */
  requestHandler?: NodeHttpHandler;
};

function base(o: TClientOptions) {
  return {
    // FIPS/dual-stack/app-id/auth-scheme settings resolved once per process (same chains as the SDK's).
    ...sharedAwsConfig(),
    region: o.region,
    credentials: o.credentials,
    maxAttempts: o.maxAttempts ?? 6,
    retryMode: o.retryMode ?? ("adaptive" as const),
    ...(o.requestHandler ? { requestHandler: o.requestHandler } : {}),
  };
}

export const awsClients = {
  ssoAdmin: (o: TClientOptions) => new SSOAdminClient(base(o)),
  identityStore: (o: TClientOptions) => new IdentitystoreClient(base(o)),
  // Organizations and IAM are global: one endpoint per partition (`region` picks the partition).
  organizations: (o: TClientOptions) => new OrganizationsClient({ ...base(o), region: globalServiceRegion("organizations", partitionOfRegion(o.region)) }),
  sts: (o: TClientOptions) => new STSClient(base(o)),
  iam: (o: TClientOptions) => new IAMClient({ ...base(o), region: globalServiceRegion("iam", partitionOfRegion(o.region)) }),
  // Path-style addressing works against every endpoint, including local ones without wildcard DNS.
  s3: (o: TClientOptions) => new S3Client({ ...base(o), forcePathStyle: true, followRegionRedirects: true }),
  ec2: (o: TClientOptions) => new EC2Client(base(o)),
  secretsManager: (o: TClientOptions) => new SecretsManagerClient(base(o)),
};
