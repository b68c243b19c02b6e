import { DescribeRegionsCommand, DescribeInstancesCommand } from "@aws-sdk/client-ec2";
import { GetPolicyCommand, GetRoleCommand, ListRolesCommand } from "@aws-sdk/client-iam";
import { DescribeOrganizationCommand, ListAccountsCommand, ListRootsCommand } from "@aws-sdk/client-organizations";
import { ListBucketsCommand } from "@aws-sdk/client-s3";
import { ListSecretsCommand } from "@aws-sdk/client-secrets-manager";
import {
  AttachManagedPolicyToPermissionSetCommand,
  CreatePermissionSetCommand,
  DescribePermissionSetCommand,
  ListInstancesCommand,
  ListManagedPoliciesInPermissionSetCommand,
  ListPermissionSetsCommand,
} from "@aws-sdk/client-sso-admin";
import { AssumeRoleCommand, GetCallerIdentityCommand } from "@aws-sdk/client-sts";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startAwsSimulator, type AwsSimulator } from "./index";
import { SAMPLE_ORG } from "./sample-org";
import { assumePortalRole, expectAwsError, simClients } from "./test-clients";

const S = SAMPLE_ORG;
const prod = S.accounts.prodWorkloads;

describe("the GovCloud partition (homeRegion us-gov-west-1)", () => {
  let sim: AwsSimulator;
  let c: ReturnType<typeof simClients>;
  beforeAll(async () => {
    sim = await startAwsSimulator({ seed: "sample", homeRegion: "us-gov-west-1", asyncDelayMs: 0 });
    c = simClients(sim);
  });
  afterAll(async () => sim.close());
  beforeEach(() => sim.reset());

  it("writes arn:aws-us-gov: everywhere and signs in the home region", async () => {
    expect(sim.partition).toBe("aws-us-gov");
    expect(sim.clientConfig.region).toBe("us-gov-west-1");
    expect((await c.sts.send(new GetCallerIdentityCommand({}))).Arn).toBe(`arn:aws-us-gov:iam::${S.managementAccountId}:user/jit-portal`);
    const org = (await c.org.send(new DescribeOrganizationCommand({}))).Organization!;
    expect(org.Arn).toBe(`arn:aws-us-gov:organizations::${S.managementAccountId}:organization/${S.organizationId}`);
    expect(org.MasterAccountArn).toMatch(/^arn:aws-us-gov:organizations::/);
    expect((await c.org.send(new ListRootsCommand({}))).Roots?.[0]?.Arn).toMatch(/^arn:aws-us-gov:organizations::/);
    const accounts = (await c.org.send(new ListAccountsCommand({ MaxResults: 20 }))).Accounts ?? [];
    expect(accounts.length).toBeGreaterThan(0);
    for (const a of accounts) expect(a.Arn).toMatch(/^arn:aws-us-gov:organizations::/);

    expect((await c.sso.send(new ListInstancesCommand({}))).Instances?.[0]?.InstanceArn).toBe("arn:aws-us-gov:sso:::instance/ssoins-7223aa11bb22cc33");
    const sets = (await c.sso.send(new ListPermissionSetsCommand({ InstanceArn: sim.instanceArn }))).PermissionSets ?? [];
    expect(sets.length).toBe(8);
    for (const arn of sets) expect(arn).toMatch(/^arn:aws-us-gov:sso:::permissionSet\//);
    const managed = await c.sso.send(new ListManagedPoliciesInPermissionSetCommand({ InstanceArn: sim.instanceArn, PermissionSetArn: sets[0] }));
    expect(managed.AttachedManagedPolicies?.length).toBeGreaterThan(0);
    for (const p of managed.AttachedManagedPolicies ?? []) expect(p.Arn).toMatch(/^arn:aws-us-gov:iam::aws:policy\//);
  });

  it("assumes the member role by its GovCloud ARN, trusting arn:aws-us-gov:iam::<management>:root", async () => {
    const creds = await assumePortalRole(sim, prod);
    const m = simClients(sim, { credentials: creds });
    expect((await m.sts.send(new GetCallerIdentityCommand({}))).Arn).toBe(`arn:aws-us-gov:sts::${prod}:assumed-role/${S.portalRoleName}/jit-portal-test`);
    const role = (await m.iam.send(new GetRoleCommand({ RoleName: S.portalRoleName }))).Role!;
    expect(role.Arn).toBe(`arn:aws-us-gov:iam::${prod}:role/${S.portalRoleName}`);
    expect(decodeURIComponent(role.AssumeRolePolicyDocument!)).toContain(`"arn:aws-us-gov:iam::${S.managementAccountId}:root"`);
    const roles = (await m.iam.send(new ListRolesCommand({}))).Roles ?? [];
    expect(roles.length).toBeGreaterThan(0);
    for (const r of roles) expect(r.Arn).toMatch(/^arn:aws-us-gov:iam::/);
    expect(roles.find((r) => r.RoleName?.startsWith("AWSReservedSSO_"))?.Path).toBe("/aws-reserved/sso.amazonaws.com/us-gov-west-1/");
    expect((await m.iam.send(new GetPolicyCommand({ PolicyArn: "arn:aws-us-gov:iam::aws:policy/ReadOnlyAccess" }))).Policy?.Arn).toBe("arn:aws-us-gov:iam::aws:policy/ReadOnlyAccess");

    // Resources live in the two GovCloud regions.
    expect(((await m.s3.send(new ListBucketsCommand({}))).Buckets ?? []).map((b) => b.BucketRegion).sort()).toEqual(["us-gov-east-1", "us-gov-west-1", "us-gov-west-1"]);
    const west = simClients(sim, { credentials: creds, region: "us-gov-west-1" });
    const east = simClients(sim, { credentials: creds, region: "us-gov-east-1" });
    const count = async (x: ReturnType<typeof simClients>) =>
      ((await x.ec2.send(new DescribeInstancesCommand({}))).Reservations ?? []).flatMap((r) => r.Instances ?? []).length;
    expect((await count(west)) + (await count(east))).toBe(5);
    const secrets = (await west.secrets.send(new ListSecretsCommand({}))).SecretList ?? [];
    expect(secrets.length).toBeGreaterThan(0);
    for (const s of secrets) expect(s.ARN).toMatch(/^arn:aws-us-gov:secretsmanager:us-gov-west-1:/);
    const regions = (await west.ec2.send(new DescribeRegionsCommand({}))).Regions ?? [];
    expect(regions.map((r) => r.RegionName)).toEqual(["us-gov-east-1", "us-gov-west-1"]);
  });

  it("refuses ARNs of the commercial partition", async () => {
    const assume = await expectAwsError(c.sts.send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${prod}:role/${S.portalRoleName}`, RoleSessionName: "x1", ExternalId: S.externalId })));
    expect(assume.name).toBe("ValidationError");
    const creds = await assumePortalRole(sim, prod);
    const m = simClients(sim, { credentials: creds });
    expect((await expectAwsError(m.iam.send(new GetPolicyCommand({ PolicyArn: "arn:aws:iam::aws:policy/ReadOnlyAccess" })))).name).toBe("InvalidInputException");

    const commercialInstance = SAMPLE_ORG.instanceArn;
    expect((await expectAwsError(c.sso.send(new ListPermissionSetsCommand({ InstanceArn: commercialInstance })))).name).toBe("ValidationException");
    const ps = (await c.sso.send(new CreatePermissionSetCommand({ InstanceArn: sim.instanceArn, Name: "GovTest" }))).PermissionSet!;
    expect(ps.PermissionSetArn).toMatch(/^arn:aws-us-gov:sso:::permissionSet\//);
    const commercialPs = ps.PermissionSetArn!.replace("arn:aws-us-gov:", "arn:aws:");
    expect((await expectAwsError(c.sso.send(new DescribePermissionSetCommand({ InstanceArn: sim.instanceArn, PermissionSetArn: commercialPs })))).name).toBe("ValidationException");
    const attach = (arn: string) => c.sso.send(new AttachManagedPolicyToPermissionSetCommand({ InstanceArn: sim.instanceArn, PermissionSetArn: ps.PermissionSetArn, ManagedPolicyArn: arn }));
    expect((await expectAwsError(attach("arn:aws:iam::aws:policy/ReadOnlyAccess"))).name).toBe("ValidationException");
    await attach("arn:aws-us-gov:iam::aws:policy/ReadOnlyAccess");

    // The control API will not build a role AWS would refuse.
    const res = await fetch(`${sim.url}/_sim/resources`, {
      method: "POST",
      body: JSON.stringify({
        accountId: prod,
        type: "role",
        name: "foreign-trust",
        trustPolicy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: `arn:aws:iam::${S.managementAccountId}:root` }, Action: "sts:AssumeRole" }] }),
      }),
    });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain("MalformedPolicyDocument");
  });

  it("does not know the keys in a commercial region", async () => {
    const commercial = simClients(sim, { region: "us-east-1", maxAttempts: 1 });
    expect((await expectAwsError(commercial.sts.send(new GetCallerIdentityCommand({})))).name).toBe("InvalidClientTokenId");
  });
});

describe("the China partition (homeRegion cn-north-1)", () => {
  it("writes arn:aws-cn: and lists the China regions", async () => {
    const sim = await startAwsSimulator({ seed: "sample", homeRegion: "cn-north-1" });
    try {
      const c = simClients(sim);
      expect(sim.partition).toBe("aws-cn");
      expect((await c.sts.send(new GetCallerIdentityCommand({}))).Arn).toBe(`arn:aws-cn:iam::${S.managementAccountId}:user/jit-portal`);
      const regions = (await c.ec2.send(new DescribeRegionsCommand({}))).Regions ?? [];
      expect(regions.map((r) => [r.RegionName, r.Endpoint])).toEqual([
        ["cn-north-1", "ec2.cn-north-1.amazonaws.com.cn"],
        ["cn-northwest-1", "ec2.cn-northwest-1.amazonaws.com.cn"],
      ]);
      const m = simClients(sim, { credentials: await assumePortalRole(sim, prod) });
      const buckets = (await m.s3.send(new ListBucketsCommand({}))).Buckets ?? [];
      expect(buckets.length).toBeGreaterThan(0);
      expect(buckets.every((b) => b.BucketRegion?.startsWith("cn-"))).toBe(true);
    } finally {
      await sim.close();
    }
  });
});

describe("the commercial default", () => {
  it("is unchanged", async () => {
    const sim = await startAwsSimulator({ seed: "sample" });
    try {
      expect(sim.partition).toBe("aws");
      expect(sim.instanceArn).toBe(SAMPLE_ORG.instanceArn);
      expect(sim.clientConfig.region).toBe("us-east-1");
      const c = simClients(sim);
      expect((await c.sts.send(new GetCallerIdentityCommand({}))).Arn).toBe(`arn:aws:iam::${S.managementAccountId}:user/jit-portal`);
      expect(((await c.ec2.send(new DescribeRegionsCommand({}))).Regions ?? []).length).toBe(17);
    } finally {
      await sim.close();
    }
  });

  it("rejects a home region that is not one", async () => {
    await expect(startAwsSimulator({ homeRegion: "Virginia" })).rejects.toThrow(/not a region/);
  });
});
