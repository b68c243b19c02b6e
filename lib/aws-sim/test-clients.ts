import { EC2Client } from "@aws-sdk/client-ec2";
import { IAMClient } from "@aws-sdk/client-iam";
import { IdentitystoreClient } from "@aws-sdk/client-identitystore";
import { OrganizationsClient } from "@aws-sdk/client-organizations";
import { S3Client } from "@aws-sdk/client-s3";
import { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { SSOAdminClient } from "@aws-sdk/client-sso-admin";
import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";
import type { AwsSimulator } from "./index";
import { SAMPLE_ORG } from "./sample-org";

type Creds = { accessKeyId: string; secretAccessKey: string; sessionToken?: string };

/** Official SDK v3 clients pointed at a running simulator (test helper, not used by the server). */
export function simClients(sim: AwsSimulator, opts: { region?: string; credentials?: Creds; maxAttempts?: number } = {}) {
  const base = {
    endpoint: sim.url,
    region: opts.region ?? sim.clientConfig.region,
    credentials: opts.credentials ?? sim.clientConfig.credentials,
    ...(opts.maxAttempts ? { maxAttempts: opts.maxAttempts } : {}),
  };
  return {
    sso: new SSOAdminClient(base),
    ids: new IdentitystoreClient(base),
    org: new OrganizationsClient(base),
    sts: new STSClient(base),
    iam: new IAMClient(base),
    s3: new S3Client({ ...base, forcePathStyle: true }),
    ec2: new EC2Client(base),
    secrets: new SecretsManagerClient(base),
  };
}

export async function assumePortalRole(sim: AwsSimulator, accountId: string, externalId: string = SAMPLE_ORG.externalId): Promise<Creds> {
  const out = await simClients(sim).sts.send(
    new AssumeRoleCommand({
      RoleArn: `arn:${sim.partition}:iam::${accountId}:role/${SAMPLE_ORG.portalRoleName}`,
      RoleSessionName: "jit-portal-test",
      ExternalId: externalId,
    }),
  );
  const c = out.Credentials!;
  return { accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken! };
}

/** Polls until `read` returns a status other than IN_PROGRESS. */
export async function waitDone<T extends { Status?: string }>(read: () => Promise<T | undefined>, timeoutMs = 5000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const s = await read();
    if (s && s.Status !== "IN_PROGRESS") return s;
    if (Date.now() > until) throw new Error("async operation did not finish in time");
    await new Promise((r) => setTimeout(r, 20));
  }
}

export async function expectAwsError(p: Promise<unknown>): Promise<{ name: string; message: string; status?: number; raw: Record<string, unknown> }> {
  try {
    await p;
  } catch (e) {
    const err = e as Error & { $metadata?: { httpStatusCode?: number } };
    return { name: err.name, message: err.message, status: err.$metadata?.httpStatusCode, raw: err as unknown as Record<string, unknown> };
  }
  throw new Error("expected the call to fail");
}
