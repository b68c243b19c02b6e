import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { SAMPLE_ORG, startAwsSimulator, type AwsSimulator } from "../aws-sim/index.ts";
import { createTestDatabase } from "../db/test-database.ts";
import type { TDb } from "../db/client.ts";
import type { TDatabase } from "../db/open-database.ts";
import { saveIntegration } from "../integrations/save-integration.ts";
import { runDueDiscoveries } from "./run-due-discoveries.ts";
import type { TRunDiscoveryOptions } from "./run-discovery.ts";
import { startDiscovery } from "./start-discovery.ts";

let sim: AwsSimulator;
let database: TDatabase;
let db: TDb;
let integrationId: string;
const S = SAMPLE_ORG;
const MEMBERS = [S.accounts.prodWorkloads, S.accounts.devWorkloads, S.accounts.sandbox, S.accounts.securityAudit, S.accounts.logArchive, S.accounts.dataProd];

const control = async (method: string, path: string, body?: unknown) => {
  const res = await fetch(`${sim.url}/_sim/${path}`, { method, headers: { "content-type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) });
  expect(res.ok, `${method} ${path}: ${await res.clone().text()}`).toBe(true);
  return res.json() as Promise<unknown>;
};

const config = (overrides: Record<string, unknown> = {}) => ({
  name: "sample",
  root_account: { access_key_id: S.accessKeyId, secret_access_key: S.secretAccessKey, region: S.region },
  sub_accounts: [{ account_id: "*", access_role_arn: `arn:aws:iam::*:role/${S.portalRoleName}`, external_id: S.externalId }],
  options: { sso_instance_arn: S.instanceArn },
  ...overrides,
});

async function sync(run?: TRunDiscoveryOptions) {
  const started = await startDiscovery(db, integrationId, { trigger: "MANUAL", actor: "system", ...(run ? { run } : {}) });
  const summary = await started.done;
  if (!summary) throw new Error("run did not finish");
  return summary;
}

beforeAll(async () => {
  sim = await startAwsSimulator({ seed: "sample" });
  // The SDK's standard endpoint setting, as in demo mode: production code stays unchanged.
  process.env.AWS_ENDPOINT_URL = sim.url;
  database = await createTestDatabase();
  db = database.prisma;
  integrationId = (await saveIntegration(db, { config: config(), actor: "system" })).id;
});

afterAll(async () => {
  delete process.env.AWS_ENDPOINT_URL;
  await database?.close();
  await sim?.close();
});

describe("discovery against the sample organization", () => {
  it("finds every account, OU, principal, permission set and resource", async () => {
    const summary = await sync();
    expect(summary.errors).toEqual([]);
    expect(summary.status).toBe("SUCCEEDED");

    const accounts = await db.account.findMany({ where: { integrationId }, include: { orgUnit: true } });
    expect(accounts.map((a) => a.accountId).sort()).toEqual(Object.values(S.accounts).sort());
    expect(accounts.find((a) => a.accountId === S.accounts.management)?.isManagement).toBe(true);
    expect(accounts.find((a) => a.accountId === S.accounts.dataProd)?.orgUnit?.path).toBe("Root/Workloads/Prod");
    const ous = await db.orgUnit.findMany({ where: { integrationId } });
    expect(ous.map((o) => o.path).sort()).toEqual(["Root", "Root/Sandbox", "Root/Security", "Root/Workloads", "Root/Workloads/Dev", "Root/Workloads/Prod"]);
    expect(ous.find((o) => o.path === "Root/Workloads/Prod")?.idPath).toBe(`${S.rootId}/ou-jt01-workload/ou-jt01-prod0001`);

    const users = await db.principal.findMany({ where: { integrationId, type: "USER" } });
    expect(users).toHaveLength(20);
    expect(users.find((u) => u.email === "riley@example.com")?.userName).toBe("riley@example.com");
    const groups = await db.principal.findMany({ where: { integrationId, type: "GROUP" }, include: { members: { include: { member: true } } } });
    expect(groups).toHaveLength(6);
    expect(groups.find((g) => g.displayName === "Developers")?.members.map((m) => m.member.email).sort()).toContain("riley@example.com");

    const sets = await db.permissionSet.findMany({ where: { integrationId }, include: { accounts: { include: { account: true } } } });
    expect(sets.map((s) => s.name).sort()).toEqual(["AdministratorAccess", "Billing", "DataEngineer", "PowerUserAccess", "ReadOnlyAccess", "S3ReadOnly", "SecurityAudit", "ViewOnlyAccess"]);
    const powerUser = sets.find((s) => s.name === "PowerUserAccess");
    expect(powerUser?.accounts.map((a) => a.account.accountId).sort()).toEqual([S.accounts.prodWorkloads, S.accounts.sandbox].sort());
    expect(sets.find((s) => s.name === "SecurityAudit")?.accounts).toHaveLength(6);

    const integration = await db.integration.findUniqueOrThrow({ where: { id: integrationId } });
    expect(integration.identityStoreId).toBe(S.identityStoreId);
    expect(integration.lastSyncAt).not.toBeNull();

    // Per member account: 3 roles, 2 policies, 3 buckets, 5 instances, 3 live secrets; the management
    // account is not scanned by "*", the portal role and the secret pending deletion stay out.
    const resources = await db.resource.findMany({ where: { integrationId, deletedAt: null }, include: { account: true } });
    expect(resources).toHaveLength(96);
    for (const id of MEMBERS) expect(resources.filter((r) => r.account.accountId === id)).toHaveLength(16);
    const byType = Object.fromEntries(["IAM_ROLE", "IAM_POLICY", "S3_BUCKET", "EC2_INSTANCE", "SECRET"].map((t) => [t, resources.filter((r) => r.type === t).length]));
    expect(byType).toEqual({ IAM_ROLE: 18, IAM_POLICY: 12, S3_BUCKET: 18, EC2_INSTANCE: 30, SECRET: 18 });
    expect(resources.some((r) => r.name === S.portalRoleName || r.name.startsWith("AWSReservedSSO_"))).toBe(false);
    expect(resources.some((r) => r.name.includes("retired-credentials"))).toBe(false);
    const instance = resources.find((r) => r.type === "EC2_INSTANCE");
    expect(instance?.region).toMatch(/^(us-east-1|eu-west-1)$/);
    expect(instance?.searchText).toContain(instance?.name.toLowerCase());
    const untaggedBucket = resources.find((r) => r.type === "S3_BUCKET" && Object.keys(r.tags as object).length === 0);
    expect(untaggedBucket, "NoSuchTagSet means no tags, not an error").toBeDefined();
    expect(resources.filter((r) => r.type === "S3_BUCKET").some((r) => (r.tags as Record<string, string>).environment === "prod")).toBe(true);
    const run = await db.syncRun.findFirstOrThrow({ where: { integrationId }, orderBy: { startedAt: "desc" } });
    expect(run).toMatchObject({ status: "SUCCEEDED", accountsTotal: 6, accountsDone: 6, resourcesFound: 96 });
  });

  it("writes nothing on a re-sync where nothing changed", async () => {
    const before = await db.resource.findMany({ where: { integrationId }, select: { id: true, lastSeenAt: true } });
    const summary = await sync();
    expect(summary.status).toBe("SUCCEEDED");
    expect(summary.counts).toMatchObject({ resourcesCreated: 0, resourcesUpdated: 0, resourcesRemoved: 0, resourcesUnchanged: 96 });
    const after = await db.resource.findMany({ where: { integrationId }, select: { id: true, lastSeenAt: true } });
    expect(after).toEqual(expect.arrayContaining(before));
  });

  it("finds the same on worker threads: a threaded re-sync changes nothing", async () => {
    const summary = await sync({ scanPool: { threads: 2, inlineUpTo: 0 } });
    expect(summary.errors).toEqual([]);
    expect(summary.counts).toMatchObject({ accountsScanned: 6, resourcesCreated: 0, resourcesUpdated: 0, resourcesRemoved: 0, resourcesUnchanged: 96 });
  }, 60_000);

  it("soft-deletes a vanished bucket, keeps the request that points at it, and undeletes it when it returns", async () => {
    const bucket = await db.resource.findFirstOrThrow({ where: { integrationId, type: "S3_BUCKET", account: { accountId: S.accounts.devWorkloads } } });
    const user = await db.user.create({ data: { email: "history@example.com" } });
    const request = await db.accessRequest.create({
      data: { integrationId, requesterId: user.id, targetType: "RESOURCE", resourceId: bucket.id, accessLevel: "read", durationMinutes: 60, targetSnapshot: { name: bucket.name, arn: bucket.arn } },
    });
    await control("DELETE", "resources", { accountId: S.accounts.devWorkloads, type: "bucket", name: bucket.name });
    const summary = await sync();
    expect(summary.counts.resourcesRemoved).toBe(1);
    const gone = await db.resource.findUniqueOrThrow({ where: { id: bucket.id } });
    expect(gone.deletedAt).not.toBeNull();
    expect(await db.resource.count({ where: { integrationId, deletedAt: null } })).toBe(95);
    const history = await db.accessRequest.findUniqueOrThrow({ where: { id: request.id }, include: { resource: true } });
    expect(history.resource?.name).toBe(bucket.name);

    await control("POST", "resources", { accountId: S.accounts.devWorkloads, type: "bucket", name: bucket.name, region: bucket.region, tags: bucket.tags });
    await sync();
    expect((await db.resource.findUniqueOrThrow({ where: { id: bucket.id } })).deletedAt).toBeNull();

    // Bucket names are global: deleted here and re-created in another account, it moves there
    // and the old account's scan does not delete it. One account at a time, there and back: one way
    // the old account is scanned first, the other way the new one.
    const sandbox = await db.account.findFirstOrThrow({ where: { integrationId, accountId: S.accounts.sandbox } });
    await control("DELETE", "resources", { accountId: S.accounts.devWorkloads, type: "bucket", name: bucket.name });
    await control("POST", "resources", { accountId: S.accounts.sandbox, type: "bucket", name: bucket.name, region: bucket.region, tags: bucket.tags });
    await sync({ accountConcurrency: 1 });
    expect(await db.resource.findUniqueOrThrow({ where: { id: bucket.id } })).toMatchObject({ accountId: sandbox.id, deletedAt: null });
    await control("DELETE", "resources", { accountId: S.accounts.sandbox, type: "bucket", name: bucket.name });
    await control("POST", "resources", { accountId: S.accounts.devWorkloads, type: "bucket", name: bucket.name, region: bucket.region, tags: bucket.tags });
    await sync({ accountConcurrency: 1 });
    expect(await db.resource.findUniqueOrThrow({ where: { id: bucket.id } })).toMatchObject({ accountId: bucket.accountId, deletedAt: null });
  });

  it("drops a terminated or shutting-down instance though DescribeInstances still lists it, and keeps a stopped one", async () => {
    const live = await db.resource.findMany({ where: { integrationId, type: "EC2_INSTANCE", deletedAt: null, account: { accountId: S.accounts.sandbox } }, orderBy: { arn: "asc" } });
    expect(live.length).toBeGreaterThanOrEqual(3);
    const [terminated, shuttingDown, stopped] = live;
    const id = (r: (typeof live)[number]) => (r.attributes as { instanceId: string }).instanceId;
    await control("PATCH", "instances", { accountId: S.accounts.sandbox, id: id(terminated!), state: "terminated" });
    await control("PATCH", "instances", { accountId: S.accounts.sandbox, id: id(shuttingDown!), state: "shutting-down" });
    await control("PATCH", "instances", { accountId: S.accounts.sandbox, id: id(stopped!), state: "stopped" });
    try {
      const summary = await sync();
      expect(summary.errors).toEqual([]);
      expect(summary.counts.resourcesRemoved).toBe(2);
      const after = async (r: (typeof live)[number]) => db.resource.findUniqueOrThrow({ where: { id: r.id } });
      expect((await after(terminated!)).deletedAt, "terminated: no longer requestable").not.toBeNull();
      expect((await after(shuttingDown!)).deletedAt, "shutting down: no longer requestable").not.toBeNull();
      expect(await after(stopped!)).toMatchObject({ deletedAt: null, attributes: expect.objectContaining({ state: "stopped" }) });
    } finally {
      for (const r of [terminated!, shuttingDown!, stopped!]) await control("PATCH", "instances", { accountId: S.accounts.sandbox, id: id(r), state: (r.attributes as { state: string }).state });
    }
    expect((await sync()).counts).toMatchObject({ resourcesRemoved: 0 });
    expect(await db.resource.count({ where: { integrationId, deletedAt: null } })).toBe(96);
  });

  it("records an account whose role cannot be assumed and still syncs the others", async () => {
    // A new member account without the portal role (not populated).
    await control("POST", "accounts", { id: "888888888888", name: "no-role", parentId: "ou-jt01-sandbox1" });
    const summary = await sync();
    expect(summary.status).toBe("PARTIAL");
    const failed = summary.errors.filter((e) => e.accountId === "888888888888");
    expect(failed).toHaveLength(1);
    expect(failed[0]?.message).toMatch(/^AccessDenied/);
    expect(failed[0]?.fix).toContain("trust policy does not allow this external id");
    const account = await db.account.findFirstOrThrow({ where: { integrationId, accountId: "888888888888" } });
    expect(account.lastSyncError).toContain("AccessDenied");
    expect(account.orgUnitId).not.toBeNull();
    const others = await db.account.findMany({ where: { integrationId, accountId: { in: MEMBERS } } });
    expect(others.every((a) => a.lastSyncError === null && a.lastSyncedAt !== null)).toBe(true);
    expect(await db.resource.count({ where: { integrationId, deletedAt: null } })).toBe(96);
    const run = await db.syncRun.findUniqueOrThrow({ where: { id: summary.runId } });
    expect(run.errors).toEqual(expect.arrayContaining([expect.objectContaining({ accountId: "888888888888" })]));
  });

  it("applies type and tag filters globally and per sub-account", async () => {
    await saveIntegration(db, {
      id: integrationId,
      config: config({
        sub_accounts: [
          { account_id: "*", access_role_arn: `arn:aws:iam::*:role/${S.portalRoleName}`, external_id: S.externalId },
          // An explicit entry overrides the wildcard: this account also needs team=data.
          { account_id: S.accounts.dataProd, access_role_arn: `arn:aws:iam::*:role/${S.portalRoleName}`, external_id: S.externalId, tags: [{ key: "team", value: "nobody" }] },
          { account_id: "888888888888", access_role_arn: `arn:aws:iam::*:role/${S.portalRoleName}`, external_id: S.externalId, enabled: false },
        ],
        options: { sso_instance_arn: S.instanceArn, resource_types: ["s3_bucket", "EC2_INSTANCE", "iam_policy"], tags: [{ key: "environment", value: "prod" }] },
      }),
      actor: "system",
    });
    // Saving a narrower config takes things out of the catalog at once; the run then agrees.
    const liveIds = async () => (await db.resource.findMany({ where: { integrationId, deletedAt: null }, select: { id: true }, orderBy: { id: "asc" } })).map((r) => r.id);
    const afterSave = await liveIds();
    const summary = await sync();
    expect(summary.errors).toEqual([]);
    expect(await liveIds()).toEqual(afterSave);
    const live = await db.resource.findMany({ where: { integrationId, deletedAt: null }, include: { account: true } });
    expect(live.length).toBeGreaterThan(0);
    expect(new Set(live.map((r) => r.type))).toEqual(new Set(["S3_BUCKET", "EC2_INSTANCE", "IAM_POLICY"]));
    expect(live.every((r) => (r.tags as Record<string, string>).environment === "prod")).toBe(true);
    expect(live.every((r) => r.account.accountId === S.accounts.prodWorkloads)).toBe(true);
    // Everything filtered out is soft-deleted, not lost.
    expect(await db.resource.count({ where: { integrationId } })).toBe(96);

    // An account no entry covers any more leaves the catalog too.
    const saved = await saveIntegration(db, { id: integrationId, config: config({ sub_accounts: [{ account_id: S.accounts.devWorkloads, access_role_arn: `arn:aws:iam::*:role/${S.portalRoleName}`, external_id: S.externalId }] }), actor: "system" });
    expect(saved.resourcesRemoved).toBeGreaterThan(0);
    expect(await db.resource.count({ where: { integrationId, deletedAt: null, account: { accountId: { not: S.accounts.devWorkloads } } } })).toBe(0);
    expect((await sync()).errors).toEqual([]);
    const left = await db.resource.findMany({ where: { integrationId, deletedAt: null }, include: { account: true } });
    expect(left).toHaveLength(16);
    expect(new Set(left.map((r) => r.account.accountId))).toEqual(new Set([S.accounts.devWorkloads]));
  });

  it("keeps only what could not be read: one denied region, one unreadable item, while the rest still syncs", async () => {
    sim.reset();
    await saveIntegration(db, { id: integrationId, config: config(), actor: "system" });
    expect((await sync()).errors).toEqual([]);
    const dev = { account: { accountId: S.accounts.devWorkloads } };
    const instances = await db.resource.findMany({ where: { integrationId, type: "EC2_INSTANCE", deletedAt: null, ...dev } });
    const [r1, r2] = [...new Set(instances.map((i) => i.region))];
    const a = instances.find((i) => i.region === r1)!;
    const b = instances.find((i) => i.region === r2)!;
    expect(a && b).toBeTruthy();
    const roles = await db.resource.findMany({ where: { integrationId, type: "IAM_ROLE", deletedAt: null, ...dev } });
    expect(roles.length).toBeGreaterThan(1);
    const [goneRole, ...otherRoles] = roles;
    for (const i of [a, b]) await control("DELETE", "resources", { accountId: S.accounts.devWorkloads, type: "instance", name: (i.attributes as { instanceId: string }).instanceId });
    await control("DELETE", "resources", { accountId: S.accounts.devWorkloads, type: "role", name: goneRole!.name });
    // An SCP denying one region; a role policy without iam:ListRoleTags.
    sim.setFaults({ faults: { [`ec2.DescribeInstances@${r2}`]: { errorRate: 1, errorKind: "access_denied" }, "iam.ListRoleTags": { errorRate: 1, errorKind: "access_denied" } } });
    try {
      const summary = await sync();
      expect(summary.status).toBe("PARTIAL");
      expect(summary.errors).toEqual(expect.arrayContaining([expect.objectContaining({ accountId: S.accounts.devWorkloads, scope: `EC2_INSTANCE ${r2}` }), expect.objectContaining({ accountId: S.accounts.devWorkloads, scope: "IAM_ROLE" })]));
      const after = async (id: string) => (await db.resource.findUniqueOrThrow({ where: { id } })).deletedAt;
      expect(await after(a.id), "the readable region still loses what vanished").not.toBeNull();
      expect(await after(b.id), "the denied region keeps its rows").toBeNull();
      expect(await after(goneRole!.id), "a vanished role goes even when tag reads fail").not.toBeNull();
      for (const r of otherRoles) expect(await after(r.id), "roles whose tags could not be read stay as they were").toBeNull();
      const account = await db.account.findFirstOrThrow({ where: { integrationId, accountId: S.accounts.devWorkloads } });
      expect(account.lastSyncError).toContain("iam:ListRoleTags");
    } finally {
      sim.setFaults({ replace: true, faults: {} });
    }
  });

  it("a denial that hits every region or every role is one error per account and action, naming what it hit", async () => {
    sim.reset();
    await sync();
    sim.setFaults({ faults: { "ec2.DescribeInstances": { errorRate: 1, errorKind: "access_denied" }, "iam.ListRoleTags": { errorRate: 1, errorKind: "access_denied" } } });
    try {
      const summary = await sync();
      const dev = summary.errors.filter((e) => e.accountId === S.accounts.devWorkloads);
      const ec2 = dev.filter((e) => e.scope.startsWith("EC2_INSTANCE"));
      const roles = dev.filter((e) => e.scope === "IAM_ROLE");
      expect(ec2).toHaveLength(1);
      expect(ec2[0]!.scope).toMatch(/^EC2_INSTANCE [a-z0-9-]+(, [a-z0-9-]+)+/);
      expect(roles).toHaveLength(1);
      const account = await db.account.findFirstOrThrow({ where: { integrationId, accountId: S.accounts.devWorkloads } });
      expect(account.lastSyncError).toMatch(/iam:ListRoleTags \(\d+ items: arn:aws:iam::/);
      expect(account.lastSyncError?.split("\n").filter((line) => line.startsWith("ec2:DescribeInstances"))).toHaveLength(1);
      expect(account.lastSyncError).toMatch(/^ec2:DescribeInstances \([a-z0-9-]+(, [a-z0-9-]+){4} and \d+ more\)/m);
    } finally {
      sim.setFaults({ replace: true, faults: {} });
    }
  });

  it("an unexpected failure shows the admin a reference, not the raw error text", async () => {
    sim.reset();
    const leaky = new Error('update "Account" failed near secret_access_key = \'wJalrXUtnFEMI\'');
    // The database fails at the end of the run: the raw error goes to the server log only.
    const failing = new Proxy(db, {
      get(target, key, receiver) {
        if (key !== "account") return Reflect.get(target, key, receiver);
        return new Proxy(target.account, { get: (a, k, r) => (k === "updateMany" ? () => Promise.reject(leaky) : Reflect.get(a, k, r)) });
      },
    });
    const logged = vi.spyOn(console, "error").mockImplementation(() => undefined);
    try {
      const started = await startDiscovery(failing, integrationId, { trigger: "MANUAL", actor: "system" });
      const summary = await started.done;
      const run = await db.syncRun.findUniqueOrThrow({ where: { id: started.runId } });
      const shown = JSON.stringify(run.errors) + JSON.stringify(summary?.errors ?? []);
      expect(run.status).toBe("FAILED");
      expect(shown).not.toContain("wJalrXUtnFEMI");
      const reference = /reference ([0-9a-f]{8})/.exec(shown)?.[1];
      expect(reference).toBeDefined();
      expect(logged).toHaveBeenCalledWith(expect.stringContaining(reference!), leaky);
    } finally {
      logged.mockRestore();
    }
  });

  it("keeps permission sets' account links when the organization walk could not list the accounts", async () => {
    sim.reset();
    await saveIntegration(db, { id: integrationId, config: config(), actor: "system" });
    expect((await sync()).errors).toEqual([]);
    const live = () => db.permissionSetAccount.count({ where: { permissionSet: { integrationId }, deletedAt: null } });
    const before = await live();
    expect(before).toBeGreaterThan(0);
    sim.setFaults({ faults: { "organizations.ListAccountsForParent": { errorRate: 1, errorKind: "access_denied" } } });
    try {
      const summary = await sync();
      expect(summary.errors.some((e) => e.scope.startsWith("organizations"))).toBe(true);
      expect(await live()).toBe(before);
    } finally {
      sim.setFaults({ replace: true, faults: {} });
    }
  });

  it("runs one discovery at a time and only when due", async () => {
    const first = await startDiscovery(db, integrationId, { trigger: "MANUAL", actor: "system" });
    const second = await startDiscovery(db, integrationId, { trigger: "MANUAL", actor: "system" });
    expect(second).toMatchObject({ alreadyRunning: true, runId: first.runId });
    await first.done;
    const notDue = await runDueDiscoveries(db, new Date(Date.now() + 30 * 60_000));
    expect(notDue).toEqual([]);
    const due = await runDueDiscoveries(db, new Date(Date.now() + 61 * 60_000));
    expect(due.map((d) => d.integrationId)).toEqual([integrationId]);
    await Promise.all(due.map((d) => d.done));

    // A RUNNING run without a heartbeat for minutes is superseded.
    const stale = await db.syncRun.create({ data: { integrationId, status: "RUNNING", heartbeatAt: new Date(Date.now() - 10 * 60_000) } });
    const next = await startDiscovery(db, integrationId, { trigger: "MANUAL", actor: "system" });
    expect(next.alreadyRunning).toBe(false);
    await next.done;
    expect((await db.syncRun.findUniqueOrThrow({ where: { id: stale.id } })).status).toBe("FAILED");
  });

  it("a run that was superseded mid-way removes nothing", async () => {
    const bucket = await db.resource.findFirstOrThrow({ where: { integrationId, type: "S3_BUCKET", deletedAt: null, account: { accountId: S.accounts.prodWorkloads } } });
    const users = await db.principal.count({ where: { integrationId, type: "USER", deletedAt: null } });
    await control("DELETE", "resources", { accountId: S.accounts.prodWorkloads, type: "bucket", name: bucket.name });
    sim.setFaults({ replace: true, faults: {}, latencyMs: 40 });
    try {
      // No heartbeat during the run: only the check right before removing can notice the takeover.
      const started = await startDiscovery(db, integrationId, { trigger: "MANUAL", actor: "system", run: { heartbeatMs: 600_000 } });
      // What startDiscovery does to a run whose heartbeat went stale, while this one still works.
      await db.syncRun.update({ where: { id: started.runId }, data: { status: "FAILED", finishedAt: new Date() } });
      const summary = await started.done;
      expect(summary?.errors.some((e) => /marked stale/.test(e.message))).toBe(true);
      expect((await db.resource.findUniqueOrThrow({ where: { id: bucket.id } })).deletedAt).toBeNull();
      expect(await db.principal.count({ where: { integrationId, type: "USER", deletedAt: null } })).toBe(users);
      expect((await db.syncRun.findUniqueOrThrow({ where: { id: started.runId } })).status).toBe("FAILED");
    } finally {
      sim.setFaults({ latencyMs: 0 });
    }
    // The next (current) run does remove it.
    await sync();
    expect((await db.resource.findUniqueOrThrow({ where: { id: bucket.id } })).deletedAt).not.toBeNull();
  });
  it("a config narrowed while a run is under way still holds when the run ends", async () => {
    await saveIntegration(db, { id: integrationId, config: config(), actor: "system" });
    await sync();
    expect(await db.resource.count({ where: { integrationId, deletedAt: null, type: { not: "S3_BUCKET" } } })).toBeGreaterThan(0);
    // New since the last run: the run (still on the old config) inserts it after the save pruned the rest.
    await control("POST", "resources", { accountId: S.accounts.sandbox, type: "role", name: "created-during-the-run" });
    sim.setFaults({ latencyMs: 100 });
    try {
      const started = await startDiscovery(db, integrationId, { trigger: "MANUAL", actor: "system" });
      // The run has read its config (its first step) but listed no account yet (several 100 ms calls away).
      await new Promise((resolve) => setTimeout(resolve, 250));
      await saveIntegration(db, { id: integrationId, config: config({ options: { sso_instance_arn: S.instanceArn, resource_types: ["S3_BUCKET"] } }), actor: "system" });
      await started.done;
    } finally {
      sim.setFaults({ latencyMs: 0 });
    }
    expect(await db.resource.count({ where: { integrationId, deletedAt: null, type: { not: "S3_BUCKET" } } })).toBe(0);
    expect(await db.resource.count({ where: { integrationId, deletedAt: null, type: "S3_BUCKET" } })).toBeGreaterThan(0);
    await saveIntegration(db, { id: integrationId, config: config(), actor: "system" });
  });

  it("treats only the worker's own sets as temporary: a hand-made set that starts with the prefix stays requestable", async () => {
    const { SSOAdminClient, CreatePermissionSetCommand } = await import("@aws-sdk/client-sso-admin");
    const { tempPermissionSetName } = await import("../provisioning/temp-permission-set.ts");
    const admin = new SSOAdminClient({ region: S.region, credentials: { accessKeyId: S.accessKeyId, secretAccessKey: S.secretAccessKey } });
    const generated = tempPermissionSetName("jit-", "grant-whose-tagging-failed");
    for (const Name of ["jit-readonly", generated]) await admin.send(new CreatePermissionSetCommand({ InstanceArn: S.instanceArn, Name }));
    admin.destroy();
    await sync();
    const sets = await db.permissionSet.findMany({ where: { integrationId, name: { in: ["jit-readonly", generated] } }, select: { name: true, portalManaged: true } });
    expect(Object.fromEntries(sets.map((p) => [p.name, p.portalManaged]))).toEqual({ "jit-readonly": false, [generated]: true });
  });
});
