import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SAMPLE_ORG, startAwsSimulator, type AwsSimulator } from "../aws-sim/index.ts";
import { buildGrantPermissions } from "../access/build-grant-permissions.ts";
import { finalizeApproval } from "../access/finalize-approval.ts";
import { configureAwsRateLimits } from "../aws/aws-rate-limit.ts";
import type { TDb } from "../db/client.ts";
import type { TDatabase } from "../db/open-database.ts";
import { createTestDatabase } from "../db/test-database.ts";
import { saveIntegration } from "../integrations/save-integration.ts";
import { testIntegrationConnection, type TConnectionCheck, type TConnectionEvent } from "../integrations/test-integration-connection.ts";
import { tickUntil } from "../provisioning/provisioning-test-kit.ts";
import { workerOptions } from "../provisioning/worker-options.ts";
import { startDiscovery } from "./start-discovery.ts";

// The whole integration in GovCloud (aws-us-gov): a simulator whose home region is us-gov-west-1 writes and
// accepts only arn:aws-us-gov: ARNs and refuses requests signed for a commercial region, so any `arn:aws:` or
// us-east-1 the portal still hard-codes shows up here as a failed check, a failed scan or a foreign ARN.
let sim: AwsSimulator;
let database: TDatabase;
let db: TDb;
let integrationId: string;
const S = SAMPLE_ORG;
const GOV_REGIONS = ["us-gov-east-1", "us-gov-west-1"];

beforeAll(async () => {
  sim = await startAwsSimulator({ seed: "sample", homeRegion: "us-gov-west-1", asyncDelayMs: 30 });
  process.env.AWS_ENDPOINT_URL = sim.url;
  configureAwsRateLimits({ "sso-admin": 200, identitystore: 200 });
  database = await createTestDatabase();
  db = database.prisma;
  const saved = await saveIntegration(db, {
    config: {
      name: "govcloud",
      root_account: { access_key_id: S.accessKeyId, secret_access_key: S.secretAccessKey, region: "us-gov-west-1" },
      sub_accounts: [{ account_id: "*", access_role_arn: `arn:aws-us-gov:iam::*:role/${S.portalRoleName}`, external_id: S.externalId }],
      options: { sso_instance_arn: sim.instanceArn },
    },
    actor: "system",
  });
  integrationId = saved.id;
});

afterAll(async () => {
  delete process.env.AWS_ENDPOINT_URL;
  await database?.close();
  await sim?.close();
});

describe("an integration in GovCloud (aws-us-gov)", () => {
  it("runs against a simulator that plays the GovCloud partition", () => {
    expect(sim.partition).toBe("aws-us-gov");
    expect(sim.instanceArn).toBe("arn:aws-us-gov:sso:::instance/ssoins-7223aa11bb22cc33");
  });

  it("passes every connection check", async () => {
    const events: TConnectionEvent[] = [];
    const result = await testIntegrationConnection(db, integrationId, (e) => events.push(e));
    const checks = [...new Map(events.flatMap((e) => (e.type === "check" ? [[e.check.id, e.check] as [string, TConnectionCheck]] : []))).values()];
    expect(checks.length).toBeGreaterThan(0);
    expect(checks.filter((c) => c.status !== "ok")).toEqual([]);
    expect(result.ok).toBe(true);
  });

  it("discovers every account and resource with GovCloud ARNs and regions", async () => {
    const started = await startDiscovery(db, integrationId, { trigger: "MANUAL", actor: "system" });
    const summary = await started.done;
    expect(summary?.errors).toEqual([]);
    expect(summary?.status).toBe("SUCCEEDED");

    const accounts = await db.account.findMany({ where: { integrationId } });
    expect(accounts.map((a) => a.accountId).sort()).toEqual(Object.values(S.accounts).sort());
    const sets = await db.permissionSet.findMany({ where: { integrationId } });
    expect(sets).toHaveLength(8);
    for (const s of sets) expect(s.arn).toMatch(/^arn:aws-us-gov:sso:::permissionSet\//);

    // Same shape as the commercial sample organization: 16 per member account, none in a commercial region.
    const resources = await db.resource.findMany({ where: { integrationId, deletedAt: null } });
    expect(resources).toHaveLength(96);
    expect(resources.filter((r) => !r.arn.startsWith("arn:aws-us-gov:")).map((r) => r.arn)).toEqual([]);
    expect(resources.filter((r) => r.region !== null && !GOV_REGIONS.includes(r.region)).map((r) => `${r.type} ${r.region}`)).toEqual([]);
    const instances = resources.filter((r) => r.type === "EC2_INSTANCE");
    expect(instances).toHaveLength(30);
    expect(new Set(instances.map((i) => i.region))).toEqual(new Set(GOV_REGIONS));
    expect(instances[0]?.arn).toMatch(/^arn:aws-us-gov:ec2:us-gov-(west|east)-1:\d{12}:instance\/i-[0-9a-f]{17}$/);
    expect(resources.find((r) => r.type === "S3_BUCKET")?.arn).toMatch(/^arn:aws-us-gov:s3:::/);
    expect(resources.find((r) => r.type === "SECRET")?.arn).toMatch(/^arn:aws-us-gov:secretsmanager:us-gov-(west|east)-1:/);
  });

  it("provisions a bucket grant as a temporary permission set whose policy names the GovCloud bucket", async () => {
    const bucket = await db.resource.findFirstOrThrow({
      where: { integrationId, type: "S3_BUCKET", deletedAt: null, account: { accountId: S.accounts.prodWorkloads } },
      include: { account: true },
    });
    const permissions = buildGrantPermissions({ type: "S3_BUCKET", arn: bucket.arn, awsAccountId: bucket.account.accountId }, "read");
    if (permissions.grantKind !== "TEMP_PERMISSION_SET" || !permissions.inlinePolicy) throw new Error("expected an inline policy");
    const user = await db.user.upsert({ where: { email: S.users.riley }, update: {}, create: { email: S.users.riley, name: "riley" } });
    const request = await db.accessRequest.create({
      data: {
        integrationId,
        requesterId: user.id,
        targetType: "RESOURCE",
        resourceId: bucket.id,
        accountId: bucket.accountId,
        accessLevel: "read",
        policyDocument: permissions.inlinePolicy,
        durationMinutes: 60,
        justification: "GovCloud end to end",
      },
    });
    await db.$transaction((tx) => finalizeApproval(tx, request.id, "system"));
    const grant = await db.grant.findUniqueOrThrow({ where: { requestId: request.id } });
    const opts = workerOptions({ workerId: "gov", firstPollMs: 30, pollIntervalMs: 30, backoffBaseMs: 50, backoffMaxMs: 400, quotaRetryMs: 200, throttleBackoffMs: 100, maxInlineWaitMs: 3_000 });
    await tickUntil(db, opts, async () => {
      const g = await db.grant.findUniqueOrThrow({ where: { id: grant.id } });
      return g.state === "ACTIVE" || (g.state === "FAILED" && g.step === null);
    });
    const active = await db.grant.findUniqueOrThrow({ where: { id: grant.id } });
    expect(active.lastError).toBeNull();
    expect(active.state).toBe("ACTIVE");
    expect(active.permissionSetArn).toMatch(/^arn:aws-us-gov:sso:::permissionSet\//);

    const snap = sim.snapshot();
    const set = (snap.permissionSets as { arn: string; inlinePolicy?: string }[]).find((p) => p.arn === active.permissionSetArn);
    const statements = (JSON.parse(set?.inlinePolicy ?? "{}") as { Statement?: { Resource?: string | string[] }[] }).Statement ?? [];
    const named = statements.flatMap((s) => (Array.isArray(s.Resource) ? s.Resource : s.Resource ? [s.Resource] : []));
    expect(named).toContain(bucket.arn);
    expect(named.every((arn) => arn.startsWith("arn:aws-us-gov:s3:::"))).toBe(true);
    // The provisioned role sits under the GovCloud home region's reserved path.
    const roles = (snap.resources as Record<string, { roles: { roleName: string; path: string; arn: string }[] }>)[S.accounts.prodWorkloads]?.roles ?? [];
    const role = roles.find((r) => r.roleName.startsWith("AWSReservedSSO_jit-"));
    expect(role?.arn).toMatch(/^arn:aws-us-gov:iam::\d{12}:role\/aws-reserved\/sso\.amazonaws\.com\/us-gov-west-1\/AWSReservedSSO_jit-/);
  });
});
