import { DescribeInstancesCommand } from "@aws-sdk/client-ec2";
import { ListRolesCommand } from "@aws-sdk/client-iam";
import { ListUsersCommand } from "@aws-sdk/client-identitystore";
import { ListAccountsCommand, ListRootsCommand, paginateListAccounts } from "@aws-sdk/client-organizations";
import { ListBucketsCommand } from "@aws-sdk/client-s3";
import { ListSecretsCommand } from "@aws-sdk/client-secrets-manager";
import { ListAccountAssignmentsCommand, ListInstancesCommand, ListPermissionSetsCommand } from "@aws-sdk/client-sso-admin";
import { GetCallerIdentityCommand } from "@aws-sdk/client-sts";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { generateOrgState } from "./generate";
import { startAwsSimulator, type AwsSimulator } from "./index";
import { SAMPLE_ORG } from "./sample-org";
import { assumePortalRole, expectAwsError, simClients } from "./test-clients";

let sim: AwsSimulator;

beforeAll(async () => {
  sim = await startAwsSimulator({ throttling: false, asyncDelayMs: 20 });
});
afterAll(async () => sim.close());
beforeEach(() => {
  sim.reset();
  sim.setFaults({ replace: true, latencyMs: 0, throttling: { enabled: false } });
});

const post = (path: string, body: unknown, method = "POST") => fetch(`${sim.url}${path}`, { method, body: JSON.stringify(body) });

describe("throttling", () => {
  it("answers each service's own throttling error when a burst exceeds the bucket", async () => {
    const creds = await assumePortalRole(sim, SAMPLE_ORG.accounts.prodWorkloads);
    const mgmt = simClients(sim, { maxAttempts: 1 });
    const m = simClients(sim, { maxAttempts: 1, credentials: creds });
    const rates = Object.fromEntries(["sso-admin", "identitystore", "organizations", "sts", "iam", "s3", "ec2", "secretsmanager"].map((s) => [s, { rate: 1, burst: 5 }]));
    sim.setFaults({ throttling: { enabled: true, rates } });
    const cases: [string, () => Promise<unknown>, string, number][] = [
      ["sso-admin", () => mgmt.sso.send(new ListInstancesCommand({})), "ThrottlingException", 400],
      ["identitystore", () => mgmt.ids.send(new ListUsersCommand({ IdentityStoreId: SAMPLE_ORG.identityStoreId })), "ThrottlingException", 400],
      ["organizations", () => mgmt.org.send(new ListRootsCommand({})), "TooManyRequestsException", 400],
      ["sts", () => m.sts.send(new GetCallerIdentityCommand({})), "Throttling", 400],
      ["iam", () => m.iam.send(new ListRolesCommand({})), "Throttling", 400],
      ["s3", () => m.s3.send(new ListBucketsCommand({})), "SlowDown", 503],
      ["ec2", () => m.ec2.send(new DescribeInstancesCommand({})), "RequestLimitExceeded", 503],
      ["secretsmanager", () => m.secrets.send(new ListSecretsCommand({})), "ThrottlingException", 400],
    ];
    for (const [service, call, code, status] of cases) {
      const results = await Promise.allSettled(Array.from({ length: 12 }, call));
      const ok = results.filter((r) => r.status === "fulfilled").length;
      const errors = results.flatMap((r) => (r.status === "rejected" ? [r.reason as Error & { $metadata?: { httpStatusCode?: number } }] : []));
      expect(ok, service).toBeGreaterThanOrEqual(5);
      expect(ok, service).toBeLessThan(12);
      expect(new Set(errors.map((e) => e.name)), service).toEqual(new Set([code]));
      expect(errors[0]?.$metadata?.httpStatusCode, service).toBe(status);
    }
    expect(sim.log().errors["sso-admin.ListInstances:ThrottlingException"]).toBeGreaterThan(0);
  });

  it("lets SDK retries absorb short throttling", async () => {
    sim.setFaults({ throttling: { enabled: true, rates: { "sso-admin": { rate: 20, burst: 2 } } } });
    const c = simClients(sim, { maxAttempts: 5 });
    const results = await Promise.all(Array.from({ length: 4 }, () => c.sso.send(new ListInstancesCommand({}))));
    expect(results).toHaveLength(4);
    expect(results.some((r) => (r.$metadata.attempts ?? 1) > 1)).toBe(true);
  });
});

describe("fault injection", () => {
  it("injects internal errors per operation and service", async () => {
    const c = simClients(sim, { maxAttempts: 1 });
    sim.setFaults({ faults: { "sso-admin.ListPermissionSets": { errorRate: 1 } } });
    const err = await expectAwsError(c.sso.send(new ListPermissionSetsCommand({ InstanceArn: SAMPLE_ORG.instanceArn })));
    expect(err.name).toBe("InternalServerException");
    expect(err.status).toBe(500);
    await expect(c.sso.send(new ListInstancesCommand({}))).resolves.toBeTruthy();
    sim.setFaults({ replace: true, faults: { organizations: { errorRate: 1, errorKind: "throttle" } } });
    expect((await expectAwsError(c.org.send(new ListRootsCommand({})))).name).toBe("TooManyRequestsException");
    sim.setFaults({ replace: true, faults: { iam: { errorRate: 1 } } });
    const m = simClients(sim, { maxAttempts: 1, credentials: await assumePortalRole(sim, SAMPLE_ORG.accounts.sandbox) });
    expect((await expectAwsError(m.iam.send(new ListRolesCommand({})))).name).toBe("ServiceFailureException");
  });

  it("adds latency", async () => {
    const c = simClients(sim);
    sim.setFaults({ faults: { "sso-admin": { latencyMs: 150 } } });
    const t0 = Date.now();
    await c.sso.send(new ListInstancesCommand({}));
    expect(Date.now() - t0).toBeGreaterThanOrEqual(140);
  });

  it("is configurable through POST /_sim/faults", async () => {
    const res = await post("/_sim/faults", { faults: { "*": { errorRate: 1 } } });
    expect(res.status).toBe(200);
    const c = simClients(sim, { maxAttempts: 1 });
    expect((await expectAwsError(c.sts.send(new GetCallerIdentityCommand({})))).name).toBe("InternalFailure");
    expect((await post("/_sim/faults", { faults: { nosuchservice: { errorRate: 1 } } })).status).toBe(400);
  });
});

describe("control API", () => {
  it("reports state and per-operation counts", async () => {
    const c = simClients(sim);
    await fetch(`${sim.url}/_sim/log`, { method: "DELETE" });
    await c.sso.send(new ListInstancesCommand({}));
    await c.sso.send(new ListInstancesCommand({}));
    const log = await (await fetch(`${sim.url}/_sim/log`)).json();
    expect(log.counts["sso-admin.ListInstances"]).toBe(2);
    const state = await (await fetch(`${sim.url}/_sim/state`)).json();
    expect(state.accounts).toHaveLength(7);
    expect(state.users.map((u: { userName: string }) => u.userName)).toEqual(expect.arrayContaining(Object.values(SAMPLE_ORG.users)));
    expect(state.groups).toHaveLength(6);
    expect(state.permissionSets.length).toBeGreaterThanOrEqual(8);
    expect(state.assignments.length).toBeGreaterThan(0);
    expect(state.resources[SAMPLE_ORG.accounts.sandbox].roles.some((r: { roleName: string }) => r.roleName === SAMPLE_ORG.portalRoleName)).toBe(true);
  });

  it("adds assignments out of band, provisioning the role", async () => {
    const state = sim.snapshot();
    const riley = state.users.find((u) => u.userName === SAMPLE_ORG.users.riley)!;
    const res = await post("/_sim/assignments", { accountId: SAMPLE_ORG.accounts.sandbox, permissionSetName: "Billing", principalType: "USER", principalId: riley.userId });
    expect(res.status).toBe(200);
    const { roleName } = await res.json();
    expect(roleName).toMatch(/^AWSReservedSSO_Billing_/);
    const billing = state.permissionSets.find((p) => p.name === "Billing")!;
    const out = await simClients(sim).sso.send(new ListAccountAssignmentsCommand({ InstanceArn: SAMPLE_ORG.instanceArn, AccountId: SAMPLE_ORG.accounts.sandbox, PermissionSetArn: billing.arn }));
    expect(out.AccountAssignments).toEqual([{ AccountId: SAMPLE_ORG.accounts.sandbox, PermissionSetArn: billing.arn, PrincipalType: "USER", PrincipalId: riley.userId }]);
    expect((await post("/_sim/assignments", { accountId: SAMPLE_ORG.accounts.sandbox, permissionSetName: "Billing", principalType: "USER", principalId: riley.userId }, "DELETE")).status).toBe(200);
    expect(sim.snapshot().provisioned.some((p) => p.roleName === roleName)).toBe(false);
  });

  it("reseeds with a generated organization and resets", async () => {
    const res = await post("/_sim/seed", { generate: { accounts: 45, resourcesPerAccount: 10 } });
    expect(res.status).toBe(200);
    const c = simClients(sim);
    let pages = 0;
    let empty = 0;
    const ids: string[] = [];
    for await (const p of paginateListAccounts({ client: c.org }, {})) {
      pages++;
      if ((p.Accounts ?? []).length === 0) empty++;
      ids.push(...(p.Accounts ?? []).map((a) => a.Id!));
    }
    expect(ids).toHaveLength(46);
    expect(empty).toBe(1);
    expect(pages).toBe(4);
    const creds = await assumePortalRole(sim, ids.find((id) => id !== SAMPLE_ORG.accounts.management)!);
    expect((await simClients(sim, { credentials: creds }).s3.send(new ListBucketsCommand({}))).Buckets).toHaveLength(2);
    await post("/_sim/reset", {});
    expect((await c.org.send(new ListAccountsCommand({}))).Accounts).toHaveLength(7);
  });

  it("generates 1,000 accounts x 50 resources within seconds", () => {
    const t0 = Date.now();
    const state = generateOrgState({ accounts: 1000, resourcesPerAccount: 50 });
    const ms = Date.now() - t0;
    expect(state.accounts.size).toBe(1001);
    let resources = 0;
    for (const r of state.resources.values()) resources += r.roles.size + r.policies.size + r.buckets.size + r.instances.length + r.secrets.length;
    // 50 per account plus the portal role and provisioned SSO roles
    expect(resources).toBeGreaterThanOrEqual(51_000);
    expect(ms).toBeLessThan(10_000);
  });
});
