import { randomUUID } from "node:crypto";
import type { TDb } from "../db/client.ts";
import { startAwsSimulator, type AwsSimulator } from "../aws-sim/index.ts";
import { DEFAULT_QUOTAS } from "../aws-sim/runtime.ts";
import { configureAwsRateLimits } from "../aws/aws-rate-limit.ts";
import { createTestDatabase } from "../db/test-database.ts";
import type { TDatabase } from "../db/open-database.ts";
import { SAMPLE_ORG } from "../aws-sim/sample-org.ts";
import { encryptSecret, integrationSecretContext } from "../crypto/secret-box.ts";
import type { Grant, Integration } from "../db/generated/client.ts";
import { runWorkerTick } from "./run-worker-tick.ts";
import type { TWorkerOptions } from "./worker-options.ts";

/**
 * Test and benchmark support (not used by the portal): an integration pointing at the simulator's
 * sample organization, approved requests, a driver that ticks until a condition holds, and the
 * invariants the issue demands. Kept free of server-only imports so scripts can use it.
 */
export type TFixture = {
  integration: Integration;
  users: Record<string, { id: string; email: string }>;
  accounts: Record<string, { id: string; accountId: string }>;
  permissionSets: Record<string, { id: string; arn: string }>;
  groups: Record<string, { id: string; awsId: string }>;
  bucket: { id: string; arn: string; accountId: string };
};

/**
 * What a worker test file runs against: the simulator's sample organization (asynchronous statuses that take
 * 30 ms), a fresh database, and rate limits high enough that tests do not wait on them.
 */
/** The worker's polling and backoff shortened for tests (each file adds its own waits and limits). */
export const FAST_WORKER_TIMINGS = { firstPollMs: 30, pollIntervalMs: 30, backoffBaseMs: 40, backoffMaxMs: 300, throttleBackoffMs: 60 } satisfies Partial<TWorkerOptions>;

export async function openWorkerTestbed(): Promise<{ sim: AwsSimulator; database: TDatabase; db: TDb }> {
  const sim = await startAwsSimulator({ seed: "sample", asyncDelayMs: 30 });
  // eslint-disable-next-line no-restricted-properties -- points this test process's SDK clients at the simulator, as the test files did
  process.env.AWS_ENDPOINT_URL = sim.url;
  configureAwsRateLimits({ "sso-admin": 200, identitystore: 200 });
  const database = await createTestDatabase();
  return { sim, database, db: database.prisma };
}

/**
 * Between tests: the simulator back to its seed, no faults, AWS's default quotas, an empty call log; no grants,
 * requests, reconcile runs or notifications.
 */
export async function resetWorkerTestbed(sim: AwsSimulator, db: TDb): Promise<void> {
  sim.reset();
  sim.setFaults({ faults: {}, replace: true, quotas: DEFAULT_QUOTAS });
  await fetch(`${sim.url}/_sim/log`, { method: "DELETE" });
  await db.notification.deleteMany();
  await db.grant.deleteMany();
  await db.accessRequest.deleteMany();
  await db.reconcileRun.deleteMany();
}

export async function seedFixture(db: TDb, sim: AwsSimulator, options: { userEmails?: string[]; accountIds?: string[] } = {}): Promise<TFixture> {
  const snap = sim.snapshot();
  const id = randomUUID(); // the secret is sealed bound to the row's id
  const integration = await db.integration.create({
    data: {
      id,
      name: `sim-${Math.random().toString(36).slice(2, 8)}`,
      authMethod: "ACCESS_KEY",
      accessKeyId: SAMPLE_ORG.accessKeyId,
      secretAccessKeyEnc: encryptSecret(SAMPLE_ORG.secretAccessKey, integrationSecretContext(id)),
      rootAccountId: snap.managementAccountId,
      instanceArn: snap.instanceArn,
      identityStoreId: snap.identityStoreId,
      region: sim.homeRegion,
      ssoRegion: sim.homeRegion,
      tempPermissionSetPrefix: "jit-",
    },
  });
  const users: TFixture["users"] = {};
  const emails = options.userEmails ?? [...Object.values(SAMPLE_ORG.users), "nobody@example.com"];
  for (const email of emails) {
    const u = await db.user.upsert({ where: { email }, update: {}, create: { email, name: email.split("@")[0] } });
    users[email.split("@")[0]!] = { id: u.id, email };
  }
  const accounts: TFixture["accounts"] = {};
  const accountIds = options.accountIds ?? snap.accounts.map((a) => (a as { id: string }).id);
  for (const accountId of accountIds) {
    const a = await db.account.create({ data: { integrationId: integration.id, accountId, name: accountId } });
    accounts[accountId] = { id: a.id, accountId };
  }
  const permissionSets: TFixture["permissionSets"] = {};
  for (const ps of snap.permissionSets as { arn: string; name: string; sessionDuration?: string }[]) {
    const row = await db.permissionSet.create({ data: { integrationId: integration.id, arn: ps.arn, name: ps.name, sessionDuration: ps.sessionDuration ?? null } });
    permissionSets[ps.name] = { id: row.id, arn: ps.arn };
  }
  const groups: TFixture["groups"] = {};
  for (const g of snap.groups as { groupId: string; displayName: string }[]) {
    const row = await db.principal.create({ data: { integrationId: integration.id, type: "GROUP", awsId: g.groupId, displayName: g.displayName } });
    groups[g.displayName] = { id: row.id, awsId: g.groupId };
  }
  const prodAccount = accounts[SAMPLE_ORG.accounts.prodWorkloads] ?? Object.values(accounts)[0]!;
  const bucketArn = `arn:${sim.partition}:s3:::prod-workloads-reports`;
  const bucket = await db.resource.create({ data: { integrationId: integration.id, accountId: prodAccount.id, type: "S3_BUCKET", arn: bucketArn, name: "prod-workloads-reports" } });
  return { integration, users, accounts, permissionSets, groups, bucket: { id: bucket.id, arn: bucketArn, accountId: prodAccount.accountId } };
}

export type TGrantSpec =
  | { kind: "bucket"; user: string; accountId?: string }
  | { kind: "permissionSet"; user: string; accountId: string; permissionSet: string }
  | { kind: "group"; user: string; group: string };

const bucketPolicy = (bucketArn: string) =>
  JSON.stringify({ Version: "2012-10-17", Statement: [{ Sid: "ListBucket", Effect: "Allow", Action: ["s3:ListBucket"], Resource: bucketArn }] });

/**
 * A PENDING request for the spec, approved through `approve` (finalizeApproval in tests), with the
 * grant's expiry then moved to `expiresInMs` from now so tests need not wait minutes.
 */
export async function createApprovedGrant(
  db: TDb,
  fx: TFixture,
  spec: TGrantSpec,
  approve: (requestId: string) => Promise<unknown>,
  options: { expiresInMs?: number; requesterPrincipalId?: string } = {},
): Promise<Grant> {
  const user = fx.users[spec.user];
  if (!user) throw new Error(`unknown fixture user ${spec.user}`);
  const accountRow =
    spec.kind === "bucket" ? fx.accounts[spec.accountId ?? fx.bucket.accountId] : spec.kind === "permissionSet" ? fx.accounts[spec.accountId] : undefined;
  const request = await db.accessRequest.create({
    data: {
      integrationId: fx.integration.id,
      requesterId: user.id,
      requesterPrincipalId: options.requesterPrincipalId ?? null,
      targetType: spec.kind === "bucket" ? "RESOURCE" : spec.kind === "permissionSet" ? "PERMISSION_SET" : "GROUP",
      resourceId: spec.kind === "bucket" ? fx.bucket.id : null,
      permissionSetId: spec.kind === "permissionSet" ? fx.permissionSets[spec.permissionSet]!.id : null,
      groupId: spec.kind === "group" ? fx.groups[spec.group]!.id : null,
      accountId: accountRow?.id ?? null,
      accessLevel: spec.kind === "bucket" ? "read" : spec.kind === "permissionSet" ? "assign" : "member",
      policyDocument: spec.kind === "bucket" ? bucketPolicy(fx.bucket.arn) : null,
      durationMinutes: 60,
      justification: "test",
    },
  });
  await approve(request.id);
  const grant = await db.grant.findUniqueOrThrow({ where: { requestId: request.id } });
  if (options.expiresInMs === undefined) return grant;
  return db.grant.update({ where: { id: grant.id }, data: { expiresAt: new Date(Date.now() + options.expiresInMs) } });
}

/**
 * Ticks until `done` holds (or throws after timeoutMs with the grants' states). `makeDue`: a grant made due
 * (when no worker holds it) before each tick, for tests about what happens rather than about backoff timing,
 * which a loaded machine (the whole suite on two cores) would otherwise stretch past the deadline.
 */
export async function tickUntil(
  db: TDb,
  options: TWorkerOptions,
  done: () => Promise<boolean>,
  timeoutMs = 20_000,
  { makeDue }: { makeDue?: string } = {},
): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let ticks = 0;
  for (;;) {
    if (await done()) return ticks;
    if (Date.now() > deadline) {
      const grants = await db.grant.findMany({ select: { id: true, state: true, step: true, lastError: true, attempts: true, nextRunAt: true } });
      throw new Error(`not settled after ${ticks} ticks: ${JSON.stringify(grants)}`);
    }
    if (makeDue) await db.grant.updateMany({ where: { id: makeDue, lockedBy: null }, data: { nextRunAt: new Date() } });
    await runWorkerTick(db, options);
    ticks += 1;
    await new Promise((r) => setTimeout(r, 10));
  }
}

export const isSettledState = (s: string) => s === "ACTIVE" || s === "EXPIRED" || s === "REVOKED" || s === "FAILED";

type TSimAssignment = { accountId: string; permissionSetArn: string; principalType: string; principalId: string };

/** The simulator's view, settled (in-progress operations finished as AWS would have). */
export function awsView(sim: AwsSimulator) {
  const snap = sim.snapshot();
  const assignments = snap.assignments as TSimAssignment[];
  const permissionSets = snap.permissionSets as { arn: string; name: string; tags: { Key: string; Value: string }[] }[];
  const memberships = snap.memberships as { groupId: string; userId: string; membershipId: string }[];
  const key = (a: TSimAssignment) => `${a.accountId}|${a.permissionSetArn}|${a.principalType}|${a.principalId}`;
  return {
    assignments,
    permissionSets,
    memberships,
    hasAssignment: (accountId: string, permissionSetArn: string, principalId: string) =>
      assignments.some((a) => a.accountId === accountId && a.permissionSetArn === permissionSetArn && a.principalType === "USER" && a.principalId === principalId),
    hasMembership: (groupId: string, userId: string) => memberships.some((m) => m.groupId === groupId && m.userId === userId),
    tempPermissionSets: (prefix: string) => permissionSets.filter((p) => p.name.startsWith(prefix) && p.tags.some((t) => t.Key === "managed-by" && t.Value === "jit-access-portal")),
    assignmentKeys: () => new Set(assignments.map(key)),
    membershipKeys: () => new Set(memberships.map((m) => `${m.groupId}|${m.userId}`)),
  };
}

/** Invariant: no grant is ACTIVE without its AWS assignment / membership. Returns the violations. */
export async function activeWithoutAccess(db: TDb, sim: AwsSimulator): Promise<string[]> {
  const view = awsView(sim);
  const active = await db.grant.findMany({ where: { state: "ACTIVE" } });
  const bad: string[] = [];
  for (const g of active) {
    const ok =
      g.kind === "GROUP_MEMBERSHIP"
        ? !!g.groupAwsId && !!g.principalId && view.hasMembership(g.groupAwsId, g.principalId)
        : !!g.awsAccountId && !!g.permissionSetArn && !!g.principalId && view.hasAssignment(g.awsAccountId, g.permissionSetArn, g.principalId);
    if (!ok) bad.push(g.id);
  }
  return bad;
}

/** Invariant: everything the standing snapshot held is still there (the portal never took standing access). */
export function missingStanding(sim: AwsSimulator, standing: { assignments: Set<string>; memberships: Set<string> }): string[] {
  const view = awsView(sim);
  const a = view.assignmentKeys();
  const m = view.membershipKeys();
  return [...[...standing.assignments].filter((k) => !a.has(k)), ...[...standing.memberships].filter((k) => !m.has(k))];
}

/** Invariant after expiry + reconcile: nothing the portal created remains (assignments, memberships, temp sets). */
export function portalLeftovers(sim: AwsSimulator, standing: { assignments: Set<string>; memberships: Set<string> }, prefix: string): string[] {
  const view = awsView(sim);
  const extraAssignments = [...view.assignmentKeys()].filter((k) => !standing.assignments.has(k)).map((k) => `assignment ${k}`);
  const extraMemberships = [...view.membershipKeys()].filter((k) => !standing.memberships.has(k)).map((k) => `membership ${k}`);
  const sets = view.tempPermissionSets(prefix).map((p) => `permission set ${p.name}`);
  return [...extraAssignments, ...extraMemberships, ...sets];
}

export function standingAccess(sim: AwsSimulator) {
  const view = awsView(sim);
  return { assignments: view.assignmentKeys(), memberships: view.membershipKeys() };
}
