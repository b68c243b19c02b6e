import { DescribeInstancesCommand, DescribeRegionsCommand, type EC2Client } from "@aws-sdk/client-ec2";
import { ListPoliciesCommand, ListPolicyTagsCommand, ListRolesCommand, ListRoleTagsCommand, type IAMClient } from "@aws-sdk/client-iam";
import { GetBucketTaggingCommand, ListBucketsCommand, type S3Client } from "@aws-sdk/client-s3";
import { ListSecretsCommand, type SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { awsClients, type TAwsCredentials } from "./aws-clients.ts";
import { sharedAwsRequestHandler } from "./aws-http-handler.ts";
import { awsErrorInfo } from "./aws-errors.ts";
import { collectPages, tagMap } from "./aws-paginate.ts";
import { withAwsRateLimit } from "./aws-rate-limit.ts";

export type TIamRole = { arn: string; name: string; path: string; description: string | null; maxSessionDuration: number | null; createdAt: Date | null };
export type TIamPolicy = { arn: string; name: string; path: string; description: string | null; defaultVersionId: string | null; attachmentCount: number };
export type TS3Bucket = { name: string; region: string; createdAt: Date | null };
export type TEc2Instance = { instanceId: string; name: string | null; state: string | null; instanceType: string | null; privateIp: string | null; tags: Record<string, string> };
export type TSecret = { arn: string; name: string; description: string | null; tags: Record<string, string> };

/** Instance states DescribeInstances still lists although the instance is gone (or going) for good. */
const GONE_INSTANCE_STATES = new Set<string>(["shutting-down", "terminated"]);

/** A refused or failed connection-test read: `action` is the IAM action to name to the admin, `cause` AWS's error. */
export class ProbeFailure extends Error {
  constructor(
    readonly action: string,
    override readonly cause: unknown,
  ) {
    super(`${action} failed`);
    this.name = "ProbeFailure";
  }
}

/**
 * Read-only resource listings inside one member account (credentials of its assumed role).
 * IAM and S3 budgets are per account, EC2 and Secrets Manager per account and region, as AWS meters them.
 * Call `destroy()` when done. Assumes the caller decided this account may be scanned.
 */
export function accountResourcesApi(credentials: TAwsCredentials, accountId: string, homeRegion: string) {
  let iam: IAMClient | undefined;
  const s3s = new Map<string, S3Client>();
  const ec2s = new Map<string, EC2Client>();
  const secrets = new Map<string, SecretsManagerClient>();
  const perRegion = <C,>(m: Map<string, C>, region: string, make: () => C) => {
    let c = m.get(region);
    if (!c) m.set(region, (c = make()));
    return c;
  };
  const iamSend = <T,>(fn: (c: IAMClient) => Promise<T>) => withAwsRateLimit("iam", () => fn((iam ??= awsClients.iam({ region: homeRegion, credentials, requestHandler: sharedAwsRequestHandler() }))), accountId);
  const s3Send = <T,>(region: string, fn: (c: S3Client) => Promise<T>) =>
    withAwsRateLimit("s3", () => fn(perRegion(s3s, region, () => awsClients.s3({ region, credentials, requestHandler: sharedAwsRequestHandler() }))), accountId);
  const ec2Send = <T,>(region: string, fn: (c: EC2Client) => Promise<T>) =>
    withAwsRateLimit("ec2", () => fn(perRegion(ec2s, region, () => awsClients.ec2({ region, credentials, requestHandler: sharedAwsRequestHandler() }))), `${accountId}|${region}`);
  const smSend = <T,>(region: string, fn: (c: SecretsManagerClient) => Promise<T>) =>
    withAwsRateLimit("secretsmanager", () => fn(perRegion(secrets, region, () => awsClients.secretsManager({ region, credentials, requestHandler: sharedAwsRequestHandler() }))), `${accountId}|${region}`);

  /** An untagged bucket answers NoSuchTagSet, which means "no tags", not a failure. */
  async function bucketTags(bucket: string, region: string): Promise<Record<string, string>> {
    try {
      const out = await s3Send(region, (c) => c.send(new GetBucketTaggingCommand({ Bucket: bucket })));
      return tagMap(out.TagSet);
    } catch (e) {
      if (awsErrorInfo(e).name === "NoSuchTagSet") return {};
      throw e;
    }
  }

  return {
    async listRoles(): Promise<TIamRole[]> {
      return collectPages(async (Marker) => {
        const out = await iamSend((c) => c.send(new ListRolesCommand({ Marker, MaxItems: 1000 })));
        const items = (out.Roles ?? []).map((r) => ({
          arn: r.Arn ?? "",
          name: r.RoleName ?? "",
          path: r.Path ?? "/",
          description: r.Description ?? null,
          maxSessionDuration: r.MaxSessionDuration ?? null,
          createdAt: r.CreateDate ?? null,
        }));
        return { items, next: out.IsTruncated ? out.Marker : undefined };
      });
    },
    async listRoleTags(roleName: string): Promise<Record<string, string>> {
      const tags = await collectPages(async (Marker) => {
        const out = await iamSend((c) => c.send(new ListRoleTagsCommand({ RoleName: roleName, Marker, MaxItems: 1000 })));
        return { items: out.Tags ?? [], next: out.IsTruncated ? out.Marker : undefined };
      });
      return tagMap(tags);
    },
    async listPolicyTags(policyArn: string): Promise<Record<string, string>> {
      const tags = await collectPages(async (Marker) => {
        const out = await iamSend((c) => c.send(new ListPolicyTagsCommand({ PolicyArn: policyArn, Marker, MaxItems: 1000 })));
        return { items: out.Tags ?? [], next: out.IsTruncated ? out.Marker : undefined };
      });
      return tagMap(tags);
    },
    /** Customer-managed policies only (Scope=Local): AWS-managed ones are the same in every account. */
    async listLocalPolicies(): Promise<TIamPolicy[]> {
      return collectPages(async (Marker) => {
        const out = await iamSend((c) => c.send(new ListPoliciesCommand({ Scope: "Local", Marker, MaxItems: 1000 })));
        const items = (out.Policies ?? []).map((p) => ({
          arn: p.Arn ?? "",
          name: p.PolicyName ?? "",
          path: p.Path ?? "/",
          description: p.Description ?? null,
          defaultVersionId: p.DefaultVersionId ?? null,
          attachmentCount: p.AttachmentCount ?? 0,
        }));
        return { items, next: out.IsTruncated ? out.Marker : undefined };
      });
    },
    async listBuckets(): Promise<TS3Bucket[]> {
      return collectPages(async (ContinuationToken) => {
        const out = await s3Send(homeRegion, (c) => c.send(new ListBucketsCommand({ ContinuationToken, MaxBuckets: 1000 })));
        const items = (out.Buckets ?? []).map((b) => ({ name: b.Name ?? "", region: b.BucketRegion || homeRegion, createdAt: b.CreationDate ?? null }));
        return { items, next: out.ContinuationToken };
      });
    },
    getBucketTags: bucketTags,
    async listEnabledRegions(): Promise<string[]> {
      const out = await ec2Send(homeRegion, (c) => c.send(new DescribeRegionsCommand({})));
      return (out.Regions ?? []).filter((r) => r.OptInStatus !== "not-opted-in").flatMap((r) => (r.RegionName ? [r.RegionName] : []));
    },
    /**
     * Instances that exist: DescribeInstances keeps listing a terminated instance for about an hour, so
     * `terminated` and `shutting-down` ones are left out (they vanish, and discovery soft-deletes them).
     */
    async listInstances(region: string): Promise<TEc2Instance[]> {
      return collectPages(async (NextToken) => {
        const out = await ec2Send(region, (c) => c.send(new DescribeInstancesCommand({ NextToken, MaxResults: 1000 })));
        const items = (out.Reservations ?? []).flatMap((r) =>
          (r.Instances ?? []).filter((i) => !GONE_INSTANCE_STATES.has(i.State?.Name ?? "")).map((i) => {
            const tags = tagMap(i.Tags);
            return { instanceId: i.InstanceId ?? "", name: tags.Name ?? null, state: i.State?.Name ?? null, instanceType: i.InstanceType ?? null, privateIp: i.PrivateIpAddress ?? null, tags };
          }),
        );
        return { items, next: out.NextToken };
      });
    },
    async listSecrets(region: string): Promise<TSecret[]> {
      return collectPages(async (NextToken) => {
        const out = await smSend(region, (c) => c.send(new ListSecretsCommand({ NextToken, MaxResults: 100 })));
        const items = (out.SecretList ?? []).map((s) => ({ arn: s.ARN ?? "", name: s.Name ?? "", description: s.Description ?? null, tags: tagMap(s.Tags) }));
        return { items, next: out.NextToken };
      });
    },
    /**
     * The fewest reads that prove discovery's permissions for a type: its listing (one item) and, when
     * the listing returned something, that item's tag read. A failure names the action that was refused.
     */
    async probe(type: "IAM_ROLE" | "IAM_POLICY" | "S3_BUCKET" | "EC2_INSTANCE" | "SECRET"): Promise<void> {
      const step = async <T,>(action: string, fn: () => Promise<T>): Promise<T> => {
        try {
          return await fn();
        } catch (e) {
          throw new ProbeFailure(action, e);
        }
      };
      switch (type) {
        case "IAM_ROLE": {
          const out = await step("iam:ListRoles", () => iamSend((c) => c.send(new ListRolesCommand({ MaxItems: 1 }))));
          const role = out.Roles?.[0]?.RoleName;
          if (role) await step("iam:ListRoleTags", () => iamSend((c) => c.send(new ListRoleTagsCommand({ RoleName: role, MaxItems: 1 }))));
          return;
        }
        case "IAM_POLICY": {
          const out = await step("iam:ListPolicies", () => iamSend((c) => c.send(new ListPoliciesCommand({ Scope: "Local", MaxItems: 1 }))));
          const arn = out.Policies?.[0]?.Arn;
          if (arn) await step("iam:ListPolicyTags", () => iamSend((c) => c.send(new ListPolicyTagsCommand({ PolicyArn: arn, MaxItems: 1 }))));
          return;
        }
        case "S3_BUCKET": {
          const out = await step("s3:ListAllMyBuckets", () => s3Send(homeRegion, (c) => c.send(new ListBucketsCommand({ MaxBuckets: 1 }))));
          const bucket = out.Buckets?.[0];
          if (bucket?.Name) await step("s3:GetBucketTagging", () => bucketTags(bucket.Name!, bucket.BucketRegion ?? homeRegion));
          return;
        }
        case "EC2_INSTANCE":
          await step("ec2:DescribeInstances", () => ec2Send(homeRegion, (c) => c.send(new DescribeInstancesCommand({ MaxResults: 5 }))));
          return;
        case "SECRET":
          await step("secretsmanager:ListSecrets", () => smSend(homeRegion, (c) => c.send(new ListSecretsCommand({ MaxResults: 1 }))));
          return;
      }
    },
    /** Drops the clients; their sockets belong to the shared pool, so the clients are not destroy()ed. */
    destroy() {
      iam = undefined;
      s3s.clear();
      ec2s.clear();
      secrets.clear();
    },
  };
}

export type TAccountResourcesApi = ReturnType<typeof accountResourcesApi>;
