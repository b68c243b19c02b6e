import { DescribeInstancesCommand, DescribeRegionsCommand, paginateDescribeInstances } from "@aws-sdk/client-ec2";
import {
  GetPolicyCommand,
  GetPolicyVersionCommand,
  GetRoleCommand,
  ListAttachedRolePoliciesCommand,
  ListPoliciesCommand,
  ListPolicyTagsCommand,
  ListRolePoliciesCommand,
  ListRoleTagsCommand,
  ListRolesCommand,
  NoSuchEntityException,
  paginateListRoles,
} from "@aws-sdk/client-iam";
import { GetBucketLocationCommand, GetBucketTaggingCommand, ListBucketsCommand } from "@aws-sdk/client-s3";
import { ListSecretsCommand } from "@aws-sdk/client-secrets-manager";
import { AssumeRoleCommand, GetCallerIdentityCommand } from "@aws-sdk/client-sts";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startAwsSimulator, type AwsSimulator } from "./index";
import { SAMPLE_ORG } from "./sample-org";
import { assumePortalRole, expectAwsError, simClients } from "./test-clients";

const A = SAMPLE_ORG.accounts;
let sim: AwsSimulator;

beforeAll(async () => {
  sim = await startAwsSimulator({ throttling: false });
});
afterAll(async () => sim.close());
beforeEach(() => sim.reset());

async function member(accountId: string, region?: string) {
  return simClients(sim, { credentials: await assumePortalRole(sim, accountId), region });
}

describe("sts", () => {
  it("identifies the management caller and an assumed role", async () => {
    const mgmt = await simClients(sim).sts.send(new GetCallerIdentityCommand({}));
    expect(mgmt).toMatchObject({ Account: A.management, Arn: "arn:aws:iam::111111111111:user/jit-portal" });
    const m = await member(A.prodWorkloads);
    const who = await m.sts.send(new GetCallerIdentityCommand({}));
    expect(who.Account).toBe(A.prodWorkloads);
    expect(who.Arn).toBe("arn:aws:sts::222222222222:assumed-role/jit-portal-access/jit-portal-test");
    expect(who.UserId).toMatch(/^AROA[A-Z0-9]+:jit-portal-test$/);
  });

  it("denies a wrong or missing external id and unknown roles with AccessDenied 403", async () => {
    const sts = simClients(sim).sts;
    const arn = `arn:aws:iam::${A.sandbox}:role/${SAMPLE_ORG.portalRoleName}`;
    for (const input of [
      { RoleArn: arn, RoleSessionName: "s1", ExternalId: "wrong-id" },
      { RoleArn: arn, RoleSessionName: "s1" },
      { RoleArn: `arn:aws:iam::${A.sandbox}:role/does-not-exist`, RoleSessionName: "s1", ExternalId: SAMPLE_ORG.externalId },
      { RoleArn: `arn:aws:iam::999999999999:role/${SAMPLE_ORG.portalRoleName}`, RoleSessionName: "s1", ExternalId: SAMPLE_ORG.externalId },
    ]) {
      const err = await expectAwsError(sts.send(new AssumeRoleCommand(input)));
      expect(err.name).toBe("AccessDenied");
      expect(err.status).toBe(403);
    }
  });

  it("denies callers the trust policy does not name, and validates input", async () => {
    // the portal role trusts the management account, not other member accounts
    const m = await member(A.sandbox);
    const err = await expectAwsError(
      m.sts.send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${A.devWorkloads}:role/${SAMPLE_ORG.portalRoleName}`, RoleSessionName: "hop", ExternalId: SAMPLE_ORG.externalId })),
    );
    expect(err.name).toBe("AccessDenied");
    const sts = simClients(sim).sts;
    const arn = `arn:aws:iam::${A.sandbox}:role/${SAMPLE_ORG.portalRoleName}`;
    const shortName = await expectAwsError(sts.send(new AssumeRoleCommand({ RoleArn: arn, RoleSessionName: "x", ExternalId: SAMPLE_ORG.externalId })));
    expect(shortName.name).toBe("ValidationError");
    const longDuration = await expectAwsError(sts.send(new AssumeRoleCommand({ RoleArn: arn, RoleSessionName: "ok", ExternalId: SAMPLE_ORG.externalId, DurationSeconds: 7200 })));
    expect(longDuration.message).toMatch(/MaxSessionDuration/);
  });

  it("rejects missing, malformed and unknown credentials", async () => {
    const noAuth = await fetch(sim.url, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: "Action=GetCallerIdentity&Version=2011-06-15" });
    expect(noAuth.status).toBe(403);
    expect(await noAuth.text()).toContain("<Code>MissingAuthenticationToken</Code>");
    const malformed = await fetch(sim.url, {
      method: "POST",
      headers: { "content-type": "application/x-amz-json-1.1", "x-amz-target": "SWBExternalService.ListInstances", authorization: "AWS4-HMAC-SHA256 Credential=garbage" },
      body: "{}",
    });
    expect(malformed.status).toBe(403);
    expect((await malformed.json()).__type).toBe("IncompleteSignatureException");
    const unknown = simClients(sim, { credentials: { accessKeyId: "AKIAUNKNOWN000000000", secretAccessKey: "x" } });
    expect((await expectAwsError(unknown.sts.send(new GetCallerIdentityCommand({})))).name).toBe("InvalidClientTokenId");
    expect((await expectAwsError(unknown.sso.send(new (await import("@aws-sdk/client-sso-admin")).ListInstancesCommand({})))).name).toBe("UnrecognizedClientException");
    const creds = await assumePortalRole(sim, A.sandbox);
    const noToken = simClients(sim, { credentials: { accessKeyId: creds.accessKeyId, secretAccessKey: creds.secretAccessKey } });
    expect((await expectAwsError(noToken.s3.send(new ListBucketsCommand({})))).name).toBe("InvalidAccessKeyId");
  });
});

describe("per-account IAM", () => {
  it("lists roles with Marker paging and tags per role", async () => {
    const m = await member(A.prodWorkloads);
    const first = await m.iam.send(new ListRolesCommand({ MaxItems: 2 }));
    expect(first.Roles).toHaveLength(2);
    expect(first.IsTruncated).toBe(true);
    expect(first.Marker).toBeTruthy();
    const names: string[] = [];
    for await (const p of paginateListRoles({ client: m.iam, pageSize: 2 }, {})) names.push(...(p.Roles ?? []).map((r) => r.RoleName!));
    expect(names).toContain(SAMPLE_ORG.portalRoleName);
    expect(names.some((n) => /^AWSReservedSSO_ReadOnlyAccess_[0-9a-f]{16}$/.test(n))).toBe(true);
    const other = await member(A.sandbox);
    const sandboxNames = ((await other.iam.send(new ListRolesCommand({}))).Roles ?? []).map((r) => r.RoleName!);
    expect(sandboxNames).not.toContain(names.find((n) => n.startsWith("AWSReservedSSO_ReadOnlyAccess_")));

    const role = await m.iam.send(new GetRoleCommand({ RoleName: SAMPLE_ORG.portalRoleName }));
    const trust = JSON.parse(decodeURIComponent(role.Role!.AssumeRolePolicyDocument!));
    expect(trust.Statement[0].Principal.AWS).toBe("arn:aws:iam::111111111111:root");
    expect(trust.Statement[0].Condition.StringEquals["sts:ExternalId"]).toBe(SAMPLE_ORG.externalId);
    const tagged = names.find((n) => n.startsWith("platform-app-role"))!;
    const tags = await m.iam.send(new ListRoleTagsCommand({ RoleName: tagged }));
    expect(tags.Tags).toEqual(expect.arrayContaining([{ Key: "team", Value: "platform" }, { Key: "environment", Value: "prod" }]));
    const missing = await expectAwsError(m.iam.send(new GetRoleCommand({ RoleName: "nope" })));
    expect(missing.raw).toBeInstanceOf(NoSuchEntityException);
    expect(missing.status).toBe(404);
    const attached = await m.iam.send(new ListAttachedRolePoliciesCommand({ RoleName: tagged }));
    expect(attached.AttachedPolicies?.[0]?.PolicyArn).toMatch(/^arn:aws:iam::222222222222:policy\//);
    const inline = await m.iam.send(new ListRolePoliciesCommand({ RoleName: tagged }));
    expect(inline.PolicyNames).toEqual(["app-inline"]);
  });

  it("lists customer-managed policies and reads their documents", async () => {
    const m = await member(A.dataProd);
    const local = await m.iam.send(new ListPoliciesCommand({ Scope: "Local" }));
    expect(local.Policies?.length).toBeGreaterThan(0);
    expect(local.Policies?.every((p) => p.Arn!.startsWith("arn:aws:iam::777777777777:policy/"))).toBe(true);
    const p = local.Policies![0]!;
    const got = await m.iam.send(new GetPolicyCommand({ PolicyArn: p.Arn! }));
    expect(got.Policy?.PolicyName).toBe(p.PolicyName);
    const version = await m.iam.send(new GetPolicyVersionCommand({ PolicyArn: p.Arn!, VersionId: got.Policy!.DefaultVersionId! }));
    expect(JSON.parse(decodeURIComponent(version.PolicyVersion!.Document!)).Version).toBe("2012-10-17");
    const tags = await m.iam.send(new ListPolicyTagsCommand({ PolicyArn: p.Arn! }));
    expect(tags.Tags).toEqual(expect.arrayContaining([{ Key: "environment", Value: "prod" }]));
    await expect(m.iam.send(new ListPolicyTagsCommand({ PolicyArn: "arn:aws:iam::777777777777:policy/nope" }))).rejects.toMatchObject({ name: "NoSuchEntityException" });
    const aws = await m.iam.send(new ListPoliciesCommand({ Scope: "AWS", MaxItems: 1000 }));
    expect(aws.Policies?.some((x) => x.Arn === "arn:aws:iam::aws:policy/ReadOnlyAccess")).toBe(true);
  });
});

describe("per-account S3, EC2 and Secrets Manager", () => {
  it("lists buckets of the assumed account; tagging and location", async () => {
    const m = await member(A.devWorkloads);
    const out = await m.s3.send(new ListBucketsCommand({}));
    const names = out.Buckets!.map((b) => b.Name!);
    expect(names.length).toBe(3);
    expect(names.every((n) => n.endsWith("-333333333333"))).toBe(true);
    const paged = await m.s3.send(new ListBucketsCommand({ MaxBuckets: 2 }));
    expect(paged.Buckets).toHaveLength(2);
    const rest = await m.s3.send(new ListBucketsCommand({ MaxBuckets: 2, ContinuationToken: paged.ContinuationToken }));
    expect(rest.Buckets).toHaveLength(1);
    expect(rest.ContinuationToken).toBeUndefined();

    const results = await Promise.all(names.map(async (n) => m.s3.send(new GetBucketTaggingCommand({ Bucket: n })).then((r) => r.TagSet, (e: Error) => e.name)));
    expect(results.filter((r) => r === "NoSuchTagSet")).toHaveLength(1);
    expect(results.find((r) => Array.isArray(r))).toEqual(expect.arrayContaining([{ Key: "environment", Value: "dev" }]));
    const loc = await Promise.all(names.map((n) => m.s3.send(new GetBucketLocationCommand({ Bucket: n }))));
    expect(loc.map((l) => l.LocationConstraint ?? "")).toEqual(expect.arrayContaining(["", "eu-west-1"]));
    const foreign = await expectAwsError(m.s3.send(new GetBucketTaggingCommand({ Bucket: `platform-prod-app-0-${A.prodWorkloads}` })));
    expect(foreign.name).toBe("AccessDenied");

    // out-of-band delete through the control API
    await fetch(`${sim.url}/_sim/resources`, { method: "DELETE", body: JSON.stringify({ accountId: A.devWorkloads, type: "bucket", name: names[0] }) });
    expect((await m.s3.send(new ListBucketsCommand({}))).Buckets).toHaveLength(2);
    expect((await expectAwsError(m.s3.send(new GetBucketTaggingCommand({ Bucket: names[0]! })))).name).toBe("NoSuchBucket");
  });

  it("describes regions and instances with tag filters, ids and paging per region", async () => {
    const east = await member(A.prodWorkloads, "us-east-1");
    const regions = await east.ec2.send(new DescribeRegionsCommand({}));
    expect(regions.Regions?.map((r) => r.RegionName)).toEqual(expect.arrayContaining(["us-east-1", "eu-west-1"]));
    const all = await east.ec2.send(new DescribeInstancesCommand({}));
    const instances = all.Reservations!.flatMap((r) => r.Instances ?? []);
    expect(instances.length).toBe(3);
    expect(instances.every((i) => i.Placement?.AvailabilityZone === "us-east-1a")).toBe(true);
    const platform = await east.ec2.send(new DescribeInstancesCommand({ Filters: [{ Name: "tag:team", Values: ["platform"] }, { Name: "tag:environment", Values: ["prod", "dev"] }] }));
    const tagged = platform.Reservations!.flatMap((r) => r.Instances ?? []);
    expect(tagged.length).toBeGreaterThan(0);
    expect(tagged.every((i) => i.Tags?.some((t) => t.Key === "team" && t.Value === "platform"))).toBe(true);
    expect(tagged.length).toBeLessThan(instances.length);
    const byId = await east.ec2.send(new DescribeInstancesCommand({ InstanceIds: [instances[0]!.InstanceId!] }));
    expect(byId.Reservations?.flatMap((r) => r.Instances ?? []).map((i) => i.InstanceId)).toEqual([instances[0]!.InstanceId]);
    const byFilter = await east.ec2.send(new DescribeInstancesCommand({ Filters: [{ Name: "instance-id", Values: [instances[1]!.InstanceId!] }] }));
    expect(byFilter.Reservations?.flatMap((r) => r.Instances ?? [])).toHaveLength(1);
    const west = await member(A.prodWorkloads, "eu-west-1");
    const westIds: string[] = [];
    for await (const p of paginateDescribeInstances({ client: west.ec2, pageSize: 5 }, {})) westIds.push(...p.Reservations!.flatMap((r) => r.Instances ?? []).map((i) => i.InstanceId!));
    expect(westIds.length).toBe(2);
    expect(westIds.some((id) => instances.some((i) => i.InstanceId === id))).toBe(false);
    const bad = await expectAwsError(east.ec2.send(new DescribeInstancesCommand({ InstanceIds: ["bogus"] })));
    expect(bad.name).toBe("InvalidInstanceID.Malformed");
    const badFilter = await expectAwsError(east.ec2.send(new DescribeInstancesCommand({ Filters: [{ Name: "no-such-filter", Values: ["x"] }] })));
    expect(badFilter.name).toBe("InvalidParameterValue");
  });

  it("lists secrets with filters, hides planned deletions, pages", async () => {
    const m = await member(A.securityAudit);
    const all = await m.secrets.send(new ListSecretsCommand({}));
    expect(all.SecretList!.length).toBe(2);
    expect(all.SecretList!.every((s) => s.ARN!.startsWith("arn:aws:secretsmanager:us-east-1:555555555555:secret:"))).toBe(true);
    expect(all.SecretList!.some((s) => s.Name!.includes("retired"))).toBe(false);
    const withDeleted = await m.secrets.send(new ListSecretsCommand({ IncludePlannedDeletion: true }));
    expect(withDeleted.SecretList!.length).toBe(3);
    const byTag = await m.secrets.send(new ListSecretsCommand({ Filters: [{ Key: "tag-key", Values: ["team"] }] }));
    expect(byTag.SecretList!.every((s) => s.Tags?.some((t) => t.Key === "team"))).toBe(true);
    const byName = await m.secrets.send(new ListSecretsCommand({ Filters: [{ Key: "name", Values: ["security/security/app"] }] }));
    expect(byName.SecretList!.map((s) => s.Name)).toEqual(["security/security/app-0"]);
    const page1 = await m.secrets.send(new ListSecretsCommand({ MaxResults: 1 }));
    expect(page1.SecretList).toHaveLength(1);
    const page2 = await m.secrets.send(new ListSecretsCommand({ MaxResults: 1, NextToken: page1.NextToken }));
    expect(page2.SecretList![0]!.Name).not.toBe(page1.SecretList![0]!.Name);
    const west = await member(A.securityAudit, "eu-west-1");
    expect((await west.secrets.send(new ListSecretsCommand({}))).SecretList!.every((s) => s.ARN!.includes(":eu-west-1:"))).toBe(true);
  });
});
