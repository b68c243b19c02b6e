import { randomUUID } from "node:crypto";
import { CreateAccountAssignmentCommand, CreatePermissionSetCommand, DescribeAccountAssignmentCreationStatusCommand } from "@aws-sdk/client-sso-admin";
import { describe, expect, it } from "vitest";
import { SAMPLE_ORG, type AwsSimulator } from "../aws-sim/index.ts";
import { simClients, waitDone } from "../aws-sim/test-clients.ts";
import type { TDb } from "../db/client.ts";
import { finalizeApproval } from "../access/finalize-approval.ts";
import { SimulatedCrash } from "./advance-grant.ts";
import { runWorkerTick } from "./run-worker-tick.ts";
import { workerOptions, type TWorkerOptions } from "./worker-options.ts";
import { FAST_WORKER_TIMINGS, awsView, createApprovedGrant, type TFixture } from "./provisioning-test-kit.ts";
import { useWorkerTestbed } from "./use-worker-testbed.test-helper.ts";

// Steps that take long (many AWS calls, many confirmed deletions) must stay within the lease and the tick's
// deadline, and a claim cut short must leave a position the next claim continues from.
let sim: AwsSimulator;
let db: TDb;
let fx: TFixture;
let opts: TWorkerOptions;

const approve = (requestId: string) => db.$transaction((tx) => finalizeApproval(tx, requestId, "system"));

useWorkerTestbed((t) => {
  ({ sim, db, fx } = t);
  opts = workerOptions({
    ...FAST_WORKER_TIMINGS,
    workerId: "long",
    revokeBackoffMaxMs: 300,
    maxInlineWaitMs: 2_000,
  });
});

const grant = (id: string) => db.grant.findUniqueOrThrow({ where: { id } });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Fills the instance with `count` permission sets (as a large organization has), through the SDK. */
async function fillPermissionSets(count: number) {
  const { sso } = simClients(sim);
  for (let i = 0; i < count; i += 25) {
    await Promise.all(
      Array.from({ length: Math.min(25, count - i) }, (_, k) => sso.send(new CreatePermissionSetCommand({ InstanceArn: SAMPLE_ORG.instanceArn, Name: `filler-${i + k}` }))),
    );
  }
}

/**
 * A temporary grant whose worker crashed right after CreatePermissionSet, before recording the ARN: the
 * set exists (created after `fillers` others), and the next claim must find it by name.
 */
async function grantWithUnrecordedSet(fillers: number) {
  await fillPermissionSets(fillers);
  const g = await createApprovedGrant(db, fx, { kind: "bucket", user: "riley" }, approve, { expiresInMs: 600_000 });
  const crashing = workerOptions({
    ...opts,
    afterAwsChange: (_id, op) => {
      if (op === "CreatePermissionSet") throw new SimulatedCrash("crash after CreatePermissionSet");
    },
  });
  for (let i = 0; i < 20 && !(await grant(g.id)).permissionSetName; i++) {
    await runWorkerTick(db, crashing);
    if ((sim.log().counts["sso-admin.CreatePermissionSet"] ?? 0) > fillers) break;
  }
  const after = await grant(g.id);
  expect(after.step).toBe("CREATE_PERMISSION_SET");
  expect(after.permissionSetArn).toBeNull();
  // Each describe takes a while, as AWS's 20/s rate makes it: the whole scan outlasts the deadline and the lease below.
  sim.setFaults({ faults: { "sso-admin.DescribePermissionSet": { latencyMs: 8 } } });
  return g;
}

describe("recovering a temporary permission set by name among many", () => {
  it("stops the scan at the tick's deadline and continues it at the next claim until the grant is active", async () => {
    const fillers = 400;
    const g = await grantWithUnrecordedSet(fillers);
    const budget = 400;
    const tickMs: number[] = [];
    const until = Date.now() + 40_000;
    while ((await grant(g.id)).state !== "ACTIVE" && Date.now() < until) {
      const report = await runWorkerTick(db, { ...opts, deadline: Date.now() + budget });
      if (report.claimed > 0) tickMs.push(report.ms);
      await sleep(5);
    }
    const done = await grant(g.id);
    expect(done.state).toBe("ACTIVE");
    expect(done.permissionSetName).toMatch(/^jit-/);
    expect(done.deletionRequestId, "the scan position is cleared").toBeNull();
    // No tick ran far past its deadline (one describe and a record may finish after it).
    expect(Math.max(...tickMs)).toBeLessThan(budget + 1_500);
    expect(tickMs.length).toBeGreaterThan(2);
    // Resumed, not started over: each set described about once.
    expect(sim.log().counts["sso-admin.DescribePermissionSet"] ?? 0).toBeLessThan(fillers * 1.5);
  }, 60_000);

  it("renews the lease during the scan: with a lease shorter than the scan, another worker never takes the grant over", async () => {
    const fillers = 400;
    const g = await grantWithUnrecordedSet(fillers);
    const short = { ...opts, leaseMs: 1_500 };
    let stop = false;
    const worker = async (name: string) => {
      while (!stop) {
        await runWorkerTick(db, { ...short, workerId: name });
        await sleep(20);
      }
    };
    const workers = [worker("a"), worker("b")];
    const lapses: string[] = [];
    const until = Date.now() + 20_000;
    for (;;) {
      const row = await grant(g.id);
      if (row.state === "ACTIVE" || Date.now() > until) break;
      if (row.lockedBy && row.lockedUntil && row.lockedUntil.getTime() < Date.now()) lapses.push(`${row.lockedBy} lapsed at ${row.step}`);
      await sleep(50);
    }
    stop = true;
    await Promise.all(workers);
    expect(lapses, "the lease was renewed while the scan ran").toEqual([]);
    expect((await grant(g.id)).state).toBe("ACTIVE");
    // One scan, not one per worker that took the grant over.
    expect(sim.log().counts["sso-admin.DescribePermissionSet"] ?? 0).toBeLessThan(fillers * 1.5);
  }, 60_000);
});

/** What someone does in the AWS console: assigns a set to another user, through the SDK. */
async function assignOutsidePortal(permissionSetArn: string, accountId: string, principalId: string) {
  const { sso } = simClients(sim);
  const out = await sso.send(
    new CreateAccountAssignmentCommand({ InstanceArn: SAMPLE_ORG.instanceArn, TargetId: accountId, TargetType: "AWS_ACCOUNT", PermissionSetArn: permissionSetArn, PrincipalType: "USER", PrincipalId: principalId }),
  );
  const requestId = out.AccountAssignmentCreationStatus!.RequestId!;
  const done = await waitDone(async () =>
    (await sso.send(new DescribeAccountAssignmentCreationStatusCommand({ InstanceArn: SAMPLE_ORG.instanceArn, AccountAssignmentCreationRequestId: requestId }))).AccountAssignmentCreationStatus,
  );
  expect(done.Status).toBe("SUCCEEDED");
}

const simUserId = (userName: string) => (sim.snapshot().users as { userId: string; userName: string }[]).find((u) => u.userName === userName)!.userId;

/** Ticks two workers side by side (as overlapping ticks or replicas do) until `done`, noting every lease seen lapsed meanwhile. */
async function twoWorkersUntil(options: TWorkerOptions, id: string, done: (row: Awaited<ReturnType<typeof grant>>) => boolean, timeoutMs = 20_000) {
  let stop = false;
  const worker = async (name: string) => {
    while (!stop) {
      await runWorkerTick(db, { ...options, workerId: name });
      await sleep(20);
    }
  };
  const workers = [worker("a"), worker("b")];
  const lapses: string[] = [];
  const until = Date.now() + timeoutMs;
  try {
    for (;;) {
      const row = await grant(id);
      if (done(row) || Date.now() > until) break;
      if (row.lockedBy && row.lockedUntil && row.lockedUntil.getTime() < Date.now()) lapses.push(`${row.lockedBy} lapsed at ${row.step}`);
      await sleep(40);
    }
  } finally {
    stop = true;
    await Promise.all(workers);
  }
  return lapses;
}

describe("removing many assignments of a temporary set (UNASSIGN_ALL)", () => {
  it("keeps to one inline wait for the step, renews the lease after each deletion and audits every removed assignment", async () => {
    const g = await createApprovedGrant(db, fx, { kind: "bucket", user: "riley" }, approve, { expiresInMs: 600_000 });
    const until = Date.now() + 20_000;
    while ((await grant(g.id)).state !== "ACTIVE" && Date.now() < until) await runWorkerTick(db, opts);
    const active = await grant(g.id);
    expect(active.state).toBe("ACTIVE");
    const arn = active.permissionSetArn!;
    const outside: string[] = [];
    for (const user of [SAMPLE_ORG.users.avery, SAMPLE_ORG.users.sam, SAMPLE_ORG.users.adrian]) {
      for (const accountId of [SAMPLE_ORG.accounts.devWorkloads, SAMPLE_ORG.accounts.sandbox, SAMPLE_ORG.accounts.dataProd, SAMPLE_ORG.accounts.logArchive]) {
        await assignOutsidePortal(arn, accountId, simUserId(user));
        outside.push(`${accountId}/${simUserId(user)}`);
      }
    }
    // Each confirmation takes a while: all of them together outlast both the inline wait and the lease.
    sim.setFaults({ faults: { "sso-admin.DescribeAccountAssignmentDeletionStatus": { latencyMs: 60 } } });
    await db.grant.update({ where: { id: g.id }, data: { expiresAt: new Date(), nextRunAt: new Date() } });

    const maxInlineWaitMs = 500;
    const stepMs: number[] = [];
    const started = new Map<string, number>();
    const options = workerOptions({
      ...opts,
      leaseMs: 500,
      maxInlineWaitMs,
      onStep: (e) => {
        if (e.step !== "UNASSIGN_ALL") return;
        if (e.phase === "start") started.set(e.workerId, Date.now());
        else stepMs.push(Date.now() - (started.get(e.workerId) ?? Date.now()));
      },
    });
    const lapses = await twoWorkersUntil(options, g.id, (row) => row.state === "EXPIRED", 30_000);
    expect((await grant(g.id)).state).toBe("EXPIRED");
    expect(awsView(sim).assignments.filter((a) => a.permissionSetArn === arn)).toEqual([]);
    expect(lapses, "the lease was renewed while the deletions ran").toEqual([]);
    expect(stepMs.length).toBeGreaterThan(0);
    // One step stays within one inline wait (plus the deletion in flight when it ran out).
    expect(Math.max(...stepMs)).toBeLessThan(maxInlineWaitMs + 500);
    // Every assignment added outside the portal is in the audit, whichever claim removed it.
    const audits = await db.auditEvent.findMany({ where: { action: "grant.assignments_removed", subjectId: g.id } });
    const audited = audits.flatMap((a) => (a.details as { assignmentsRemoved: { accountId: string; principalId: string; addedOutsidePortal: boolean }[] }).assignmentsRemoved);
    expect(new Set(audited.filter((a) => a.addedOutsidePortal).map((a) => `${a.accountId}/${a.principalId}`))).toEqual(new Set(outside));
  }, 60_000);
});

describe("a deletion status AWS no longer knows (POLL_UNASSIGN)", () => {
  it("deletes again instead of asking for the lost status forever", async () => {
    const g = await createApprovedGrant(db, fx, { kind: "permissionSet", user: "riley", accountId: SAMPLE_ORG.accounts.sandbox, permissionSet: "ReadOnlyAccess" }, approve, {
      expiresInMs: 600_000,
    });
    const until = Date.now() + 20_000;
    while ((await grant(g.id)).state !== "ACTIVE" && Date.now() < until) await runWorkerTick(db, opts);
    expect((await grant(g.id)).state).toBe("ACTIVE");
    await db.grant.update({ where: { id: g.id }, data: { expiresAt: new Date(), nextRunAt: new Date() } });
    // One step per claim: stop once the deletion was started, then lose its status.
    const oneStep = workerOptions({ ...opts, maxStepsPerClaim: 1 });
    while ((await grant(g.id)).step !== "POLL_UNASSIGN" && Date.now() < until) await runWorkerTick(db, oneStep);
    await db.grant.update({ where: { id: g.id }, data: { deletionRequestId: randomUUID(), nextRunAt: new Date() } });

    const settle = Date.now() + 5_000;
    while ((await grant(g.id)).state !== "EXPIRED" && Date.now() < settle) {
      await runWorkerTick(db, opts);
      await db.grant.updateMany({ where: { id: g.id, lockedBy: null }, data: { nextRunAt: new Date() } });
    }
    const done = await grant(g.id);
    expect(done.state, `${done.step}: ${done.lastError}`).toBe("EXPIRED");
    const riley = simUserId(SAMPLE_ORG.users.riley);
    expect(awsView(sim).assignments.filter((a) => a.principalId === riley && a.accountId === SAMPLE_ORG.accounts.sandbox && a.permissionSetArn === g.permissionSetArn)).toEqual([]);
  }, 60_000);
});

describe("an admin revoke of access another grant still holds", () => {
  it("says the access is still held through the other grant, with no sessions-may-remain time", async () => {
    const spec = { kind: "permissionSet", user: "riley", accountId: SAMPLE_ORG.accounts.sandbox, permissionSet: "ReadOnlyAccess" } as const;
    const first = await createApprovedGrant(db, fx, spec, approve, { expiresInMs: 600_000 });
    const until = Date.now() + 20_000;
    while ((await grant(first.id)).state !== "ACTIVE" && Date.now() < until) await runWorkerTick(db, opts);
    const second = await createApprovedGrant(db, fx, spec, approve, { expiresInMs: 600_000 });
    while ((await grant(second.id)).state !== "ACTIVE" && Date.now() < until) await runWorkerTick(db, opts);
    expect((await grant(second.id)).preExisting).toBe(false);

    await db.grant.update({ where: { id: first.id }, data: { expiresAt: new Date(), nextRunAt: new Date(), revokedById: fx.users.avery!.id, revokeReason: "test" } });
    while ((await grant(first.id)).state !== "REVOKED" && Date.now() < until) await runWorkerTick(db, opts);
    const revoked = await grant(first.id);
    expect(revoked.state).toBe("REVOKED");
    expect(revoked.sessionsMayRemainUntil).toBeNull();
    expect(revoked.statusMessage).toBe(`Access still held through another grant (${second.id}).`);
  }, 60_000);
});
