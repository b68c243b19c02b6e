import { describe, expect, it } from "vitest";
import type { AwsSimulator } from "../aws-sim/index.ts";
import type { TDb } from "../db/client.ts";
import { finalizeApproval } from "../access/finalize-approval.ts";
import { notifyGrantEvent } from "../notifications/notify-grant-event.ts";
import { runWorkerTick } from "./run-worker-tick.ts";
import { workerOptions, type TWorkerOptions } from "./worker-options.ts";
import { FAST_WORKER_TIMINGS, awsView, createApprovedGrant, portalLeftovers, standingAccess, tickUntil, type TFixture } from "./provisioning-test-kit.ts";
import { useWorkerTestbed } from "./use-worker-testbed.test-helper.ts";

// AWS quotas that block a grant: admins hear of it once, a size limit fails at once, and waiting is bounded.
let sim: AwsSimulator;
let db: TDb;
let fx: TFixture;
let standing: ReturnType<typeof standingAccess>;
let opts: TWorkerOptions;
let admin: { id: string };

const approve = (requestId: string) => db.$transaction((tx) => finalizeApproval(tx, requestId, "system"));
const noChannels = { smtpUrl: null, smtpFrom: "jit@example.com", slackWebhookUrl: null, baseUrl: null };
const grant = (id: string) => db.grant.findUniqueOrThrow({ where: { id } });
const ROLE_QUOTA = "Received a 409 status error: Cannot exceed quota for RolesPerAccount: 1000";

useWorkerTestbed(async (t) => {
  ({ sim, db, fx, standing } = t);
  admin = await db.user.upsert({ where: { email: "quota-admin@example.com" }, update: {}, create: { email: "quota-admin@example.com", name: "Quota Admin", isAdmin: true } });
  opts = workerOptions({
    ...FAST_WORKER_TIMINGS,
    workerId: "quota",
    quotaRetryMs: 100,
    maxInlineWaitMs: 300,
    notify: (grantId, event) => notifyGrantEvent(db, grantId, event, { channels: noChannels }),
  });
});

const waitingForCapacity = (id: string) => async () => (await grant(id)).statusMessage?.startsWith("Waiting for AWS capacity") ?? false;
const endedAndCleanedUp = (id: string) => async () => {
  const now = await grant(id);
  return now.state !== "PROVISIONING" && now.step === null;
};
const quotaAlerts = () => db.notification.findMany({ where: { userId: admin.id, kind: "grant.quota_wait_admin" } });

/** Its time ran out (the worker was down) after it got past the quota: it is removed as any expired grant, not failed. */
async function expiresLikeAnyGrant(id: string) {
  await db.grant.update({ where: { id }, data: { expiresAt: new Date(Date.now() - 20 * 60_000), nextRunAt: new Date() } });
  await tickUntil(db, opts, endedAndCleanedUp(id), 30_000, { makeDue: id });
  const after = await grant(id);
  expect(after.state).toBe("EXPIRED");
  expect(after.statusMessage ?? "").not.toMatch(/AWS had no room/);
  expect(portalLeftovers(sim, standing, "jit-")).toEqual([]);
}

describe("a grant blocked by an AWS quota", () => {
  it("alerts the admins once (naming the quota, linking the grant) while it waits, and goes on when the quota clears", async () => {
    sim.setFaults({ faults: { "sso-admin.CreateAccountAssignment": { asyncFailureRate: 1, asyncFailureReason: ROLE_QUOTA } } });
    const g = await createApprovedGrant(db, fx, { kind: "bucket", user: "riley" }, approve, { expiresInMs: 120_000 });
    // It cycles ASSIGN → POLL_ASSIGNMENT → (quota) ASSIGN while it waits; where a tick leaves it depends on timing.
    await tickUntil(db, opts, waitingForCapacity(g.id), 30_000, { makeDue: g.id });
    // More ticks while it waits: still one alert.
    for (let i = 0; i < 3; i++) {
      await db.grant.update({ where: { id: g.id }, data: { nextRunAt: new Date() } });
      await runWorkerTick(db, opts);
    }
    const waiting = await grant(g.id);
    expect(waiting).toMatchObject({ state: "PROVISIONING", step: expect.stringMatching(/^(ASSIGN|POLL_ASSIGNMENT)$/), statusMessage: expect.stringMatching(/Waiting for AWS capacity/) });
    const sent = await quotaAlerts();
    expect(sent).toHaveLength(1);
    expect(sent[0]!.title).toBe("Grant waiting on an AWS quota: prod-workloads-reports");
    expect(sent[0]!.body).toContain("Cannot exceed quota for RolesPerAccount: 1000");
    expect(sent[0]!.body).toMatch(/rarely clear without an administrator/);
    expect(sent[0]!.link).toBe(`/admin/grants#grant-${g.id}`);
    expect(waiting.lastError).toMatch(/^Quota: .*RolesPerAccount/);
    expect(await db.auditEvent.count({ where: { action: "grant.quota_wait", subjectId: g.id } })).toBe(1);
    // Admins only: the requester sees the waiting message on the grant, not the raw AWS text.
    expect(await db.notification.count({ where: { userId: g.userId, kind: { contains: "quota" } } })).toBe(0);

    sim.setFaults({ faults: {}, replace: true });
    await db.grant.update({ where: { id: g.id }, data: { nextRunAt: new Date() } });
    await tickUntil(db, opts, async () => (await grant(g.id)).state === "ACTIVE");
    expect(await quotaAlerts()).toHaveLength(1);
  });

  it("fails at once, with a plain reason, on a size limit waiting cannot clear (an inline policy over 10,240 characters), and cleans up", async () => {
    const g = await createApprovedGrant(db, fx, { kind: "bucket", user: "riley" }, approve, { expiresInMs: 120_000 });
    const statements = Array.from({ length: 120 }, (_, i) => ({ Sid: `S${i}`, Effect: "Allow", Action: ["s3:GetObject", "s3:ListBucket"], Resource: `arn:aws:s3:::prod-workloads-reports/prefix-${i}/*` }));
    const policy = JSON.stringify({ Version: "2012-10-17", Statement: statements });
    expect(policy.replace(/\s/g, "").length).toBeGreaterThan(10_240);
    await db.accessRequest.update({ where: { id: g.requestId }, data: { policyDocument: policy } });
    const failedAndCleanedUp = async () => {
      const now = await grant(g.id);
      return now.state === "FAILED" && now.step === null;
    };
    await tickUntil(db, opts, failedAndCleanedUp, 30_000, { makeDue: g.id });
    const failed = await grant(g.id);
    expect(failed.lastError).toMatch(/^Quota: ServiceQuotaExceededException: The inline policy exceeds the quota of 10240/);
    expect(failed.lastError).toMatch(/retrying cannot clear it/);
    expect(failed.statusMessage).toMatch(/more policy than AWS allows in one permission set/);
    expect(failed.statusMessage).not.toMatch(/ServiceQuotaExceeded/);
    expect(portalLeftovers(sim, standing, "jit-")).toEqual([]);
    // The failure alert, not a quota-wait one: nothing to wait for.
    expect(await quotaAlerts()).toHaveLength(0);
    expect(await db.notification.count({ where: { userId: admin.id, kind: "grant.failed_admin" } })).toBe(1);
  });

  it("gives up once less than a quarter of the approved window is left: FAILED with a reason the requester understands, cleaned up", async () => {
    sim.setFaults({ faults: { "sso-admin.CreateAccountAssignment": { asyncFailureRate: 1, asyncFailureReason: ROLE_QUOTA } } });
    // A twelve-second window: the grant waits, and gives up at the nine-second mark (three seconds left).
    const g = await createApprovedGrant(db, fx, { kind: "bucket", user: "riley" }, approve, { expiresInMs: 12_000 });
    await tickUntil(db, opts, async () => (await grant(g.id)).state !== "APPROVED" && (await grant(g.id)).state !== "PROVISIONING", 30_000);
    const failed = await grant(g.id);
    expect(failed.state).toBe("FAILED");
    const failedAt = (await db.auditEvent.findFirstOrThrow({ where: { action: "grant.failed", subjectId: g.id } })).createdAt;
    expect(failedAt.getTime(), "gave up before its expiry").toBeLessThan(failed.expiresAt.getTime());
    expect(failedAt.getTime(), "not before three quarters of its window").toBeGreaterThanOrEqual(failed.expiresAt.getTime() - 0.25 * (failed.expiresAt.getTime() - failed.startsAt.getTime()) - 50);
    expect(failed.lastError).toMatch(/RolesPerAccount.*gave up waiting: less than 25% of the grant's approved time was left/);
    expect(failed.statusMessage).toMatch(/^Not set up: AWS had no room for this access \(an AWS quota was reached\) and it did not clear in time/);
    expect(await quotaAlerts()).toHaveLength(1);
    expect(await db.notification.count({ where: { userId: g.userId, kind: "grant.failed" } })).toBe(1);
    await tickUntil(db, opts, async () => (await grant(g.id)).step === null, 30_000, { makeDue: g.id });
    expect(awsView(sim).tempPermissionSets("jit-")).toEqual([]);
    expect(portalLeftovers(sim, standing, "jit-")).toEqual([]);
  });

  it("a grant still waiting on a quota when its time has run out (the worker was down) ends FAILED, not EXPIRED", async () => {
    sim.setFaults({ faults: { "sso-admin.CreateAccountAssignment": { asyncFailureRate: 1, asyncFailureReason: ROLE_QUOTA } } });
    const g = await createApprovedGrant(db, fx, { kind: "bucket", user: "riley" }, approve, { expiresInMs: 120_000 });
    await tickUntil(db, opts, async () => (await grant(g.id)).statusMessage?.startsWith("Waiting for AWS capacity") ?? false);
    await db.grant.update({ where: { id: g.id }, data: { expiresAt: new Date(Date.now() - 20 * 60_000), nextRunAt: new Date() } });
    await tickUntil(db, opts, endedAndCleanedUp(g.id), 30_000, { makeDue: g.id });
    const ended = await grant(g.id);
    expect(ended.state).toBe("FAILED");
    expect(ended.lastError).toMatch(/gave up waiting: the grant's approved time ran out/);
    expect(ended.statusMessage).toMatch(/AWS had no room for this access/);
    expect(portalLeftovers(sim, standing, "jit-")).toEqual([]);
    // Cleaning up after a late failure is not a removal that keeps failing.
    expect(await db.notification.count({ where: { kind: "grant.removal_overdue_admin" } })).toBe(0);
  });

  it("a grant that got past a quota wait loses the waiting message, and when its time runs out before it is set up it expires, not FAILED", async () => {
    // No room for another permission set in the instance: the grant waits at CREATE_PERMISSION_SET.
    sim.setFaults({ quotas: { permissionSetsPerInstance: awsView(sim).permissionSets.length } });
    const g = await createApprovedGrant(db, fx, { kind: "bucket", user: "riley" }, approve, { expiresInMs: 120_000 });
    await tickUntil(db, opts, waitingForCapacity(g.id), 30_000, { makeDue: g.id });
    expect(await grant(g.id)).toMatchObject({ state: "PROVISIONING", step: "CREATE_PERMISSION_SET", lastError: expect.stringMatching(/^Quota: .*permission sets in the instance/) });

    // An admin made room; the set is created, then the worker stops (one step per claim here, down in real life).
    sim.setFaults({ quotas: { permissionSetsPerInstance: 3500 } });
    const setCreated = async () => (await grant(g.id)).step !== "CREATE_PERMISSION_SET";
    await tickUntil(db, { ...opts, maxStepsPerClaim: 1 }, setCreated, 30_000, { makeDue: g.id });
    expect(await grant(g.id)).toMatchObject({ state: "PROVISIONING", step: "PUT_POLICY", lastError: null, statusMessage: null });

    await expiresLikeAnyGrant(g.id);
    expect(await quotaAlerts()).toHaveLength(1);
  });

  it("an assignment retried once the role quota cleared, still in flight when the grant's time ran out (the worker was down), expires, not FAILED", async () => {
    sim.setFaults({ faults: { "sso-admin.CreateAccountAssignment": { asyncFailureRate: 1, asyncFailureReason: ROLE_QUOTA } } });
    const g = await createApprovedGrant(db, fx, { kind: "bucket", user: "riley" }, approve, { expiresInMs: 120_000 });
    // Waiting to retry the assignment that failed on the quota (not polling one made before the quota cleared).
    const waitingToRetry = async () => (await waitingForCapacity(g.id)()) && (await grant(g.id)).step === "ASSIGN";
    await tickUntil(db, opts, waitingToRetry, 30_000, { makeDue: g.id });

    // Room made: the retried assignment is accepted, then the worker stops before it polls it.
    sim.setFaults({ faults: {}, replace: true });
    const failedRequest = (await grant(g.id)).assignmentRequestId;
    const retried = async () => {
      const now = await grant(g.id);
      return now.step === "POLL_ASSIGNMENT" && now.assignmentRequestId !== failedRequest;
    };
    await tickUntil(db, { ...opts, maxStepsPerClaim: 1 }, retried, 30_000, { makeDue: g.id });

    await expiresLikeAnyGrant(g.id);
  });
});
