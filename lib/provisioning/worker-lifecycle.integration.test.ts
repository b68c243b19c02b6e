import { describe, expect, it } from "vitest";
import { SAMPLE_ORG, type AwsSimulator } from "../aws-sim/index.ts";
import type { TDb } from "../db/client.ts";
import { finalizeApproval } from "../access/finalize-approval.ts";
import { expirePendingRequests } from "../access/expire-pending-requests.ts";
import { forceRevokeGrant } from "./force-revoke-grant.ts";
import { reconcileIntegration, runDueReconciles } from "./reconcile-integration.ts";
import { retryGrant } from "./retry-grant.ts";
import { runWorkerTick } from "./run-worker-tick.ts";
import { SimulatedCrash } from "./advance-grant.ts";
import { workerOptions, type TWorkerOptions } from "./worker-options.ts";
import { assignmentSlotsInUse } from "./provisioning-limits.ts";
import { encryptSecret, integrationSecretContext } from "../crypto/secret-box.ts";
import {
  activeWithoutAccess,
  awsView,
  createApprovedGrant,
  isSettledState,
  missingStanding,
  portalLeftovers,
  standingAccess,
  tickUntil,
  type TFixture,
} from "./provisioning-test-kit.ts";
import { useWorkerTestbed } from "./use-worker-testbed.test-helper.ts";

// Lifecycle, overlap, standing access, extension and reconcile against the simulator through the real SDK.
let sim: AwsSimulator;
let db: TDb;
let fx: TFixture;
let standing: ReturnType<typeof standingAccess>;
let opts: TWorkerOptions;

const approve = (requestId: string) => db.$transaction((tx) => finalizeApproval(tx, requestId, "system"));

useWorkerTestbed((t) => {
  ({ sim, db, fx, standing } = t);
  opts = workerOptions({ workerId: "w1", firstPollMs: 30, pollIntervalMs: 30, backoffBaseMs: 50, backoffMaxMs: 400, quotaRetryMs: 200, throttleBackoffMs: 100, maxInlineWaitMs: 3_000 });
});

/** Standing access the portal did not create: riley holds ViewOnlyAccess in dev-workloads (out of band). */
async function giveRileyStandingViewOnly() {
  const riley = (sim.snapshot().users as { userId: string; userName: string }[]).find((u) => u.userName === SAMPLE_ORG.users.riley)!;
  const res = await fetch(`${sim.url}/_sim/assignments`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ accountId: SAMPLE_ORG.accounts.devWorkloads, permissionSetName: "ViewOnlyAccess", principalType: "USER", principalId: riley.userId }),
  });
  expect(res.ok).toBe(true);
  standing = standingAccess(sim);
}

async function allSettled() {
  const grants = await db.grant.findMany({ select: { state: true, step: true } });
  return grants.every((g) => isSettledState(g.state) && (g.state !== "FAILED" || g.step === null));
}

async function allEnded() {
  const grants = await db.grant.findMany({ select: { state: true, step: true } });
  return grants.every((g) => (g.state === "EXPIRED" || g.state === "REVOKED" || g.state === "FAILED") && g.step === null);
}

describe("provisioning worker lifecycle", () => {
  it("grants a temporary permission set, an existing permission set and a group, then removes them at expiry", async () => {
    const temp = await createApprovedGrant(db, fx, { kind: "bucket", user: "riley" }, approve, { expiresInMs: 4_000 });
    const ps = await createApprovedGrant(db, fx, { kind: "permissionSet", user: "riley", accountId: SAMPLE_ORG.accounts.sandbox, permissionSet: "ReadOnlyAccess" }, approve, { expiresInMs: 4_000 });
    const group = await createApprovedGrant(db, fx, { kind: "group", user: "sam", group: "Data Engineers" }, approve, { expiresInMs: 4_000 });
    // Sam as discovery would have recorded him (the fixture only records groups).
    const samAws = (sim.snapshot().users as { userId: string; userName: string }[]).find((u) => u.userName === "sam@example.com")!;
    await db.principal.create({ data: { integrationId: fx.integration.id, type: "USER", awsId: samAws.userId, displayName: "Sam", email: "sam@example.com" } });
    await tickUntil(db, opts, allSettled);
    const after = await db.grant.findMany({ orderBy: { createdAt: "asc" } });
    expect(after.map((g) => g.state)).toEqual(["ACTIVE", "ACTIVE", "ACTIVE"]);
    expect(await activeWithoutAccess(db, sim)).toEqual([]);

    const t = after.find((g) => g.id === temp.id)!;
    expect(t.permissionSetName).toMatch(/^jit-[a-z2-7]{28}$/);
    expect(t.assignmentRequestId).toBeTruthy();
    const set = awsView(sim).permissionSets.find((p) => p.arn === t.permissionSetArn)!;
    expect(Object.fromEntries(set.tags.map((x) => [x.Key, x.Value]))).toMatchObject({ "managed-by": "jit-access-portal", "integration-id": fx.integration.id, "grant-id": temp.id, "request-id": temp.requestId });
    expect((set as unknown as { sessionDuration: string }).sessionDuration).toBe("PT1H");
    expect((set as unknown as { inlinePolicy: string }).inlinePolicy).toContain("s3:ListBucket");
    expect(after.find((g) => g.id === group.id)!.membershipId).toBeTruthy();
    // The portal's own view of memberships (policies, approver steps) follows the grant, not the next sync.
    const portalMember = () => db.principalMembership.count({ where: { group: { displayName: "Data Engineers" }, member: { email: "sam@example.com" } } });
    expect(await portalMember()).toBe(1);

    await tickUntil(db, opts, allEnded, 15_000);
    const ended = await db.grant.findMany();
    expect(ended.every((g) => g.state === "EXPIRED")).toBe(true);
    expect(ended.find((g) => g.id === ps.id)!.sessionsMayRemainUntil).toBeTruthy();
    expect(ended.find((g) => g.id === group.id)!.statusMessage).toMatch(/Sessions started before removal may remain until/);
    expect(await portalMember()).toBe(0);
    expect(ended.find((g) => g.id === temp.id)!.sessionsMayRemainUntil).toBeNull();
    expect(portalLeftovers(sim, standing, "jit-")).toEqual([]);
    expect(missingStanding(sim, standing)).toEqual([]);
    const actions = (await db.auditEvent.findMany({ where: { subjectId: temp.id }, orderBy: { seq: "asc" } })).map((e) => e.action);
    expect(actions).toEqual(["grant.created", "grant.provisioning", "grant.active", "grant.revoking", "grant.expired"]);
  });

  it("keeps an assignment another live grant still needs, and removes it when the last one ends", async () => {
    const spec = { kind: "permissionSet", user: "riley", accountId: SAMPLE_ORG.accounts.prodWorkloads, permissionSet: "PowerUserAccess" } as const;
    const short = await createApprovedGrant(db, fx, spec, approve, { expiresInMs: 2_500 });
    const long = await createApprovedGrant(db, fx, spec, approve, { expiresInMs: 6_000 });
    await tickUntil(db, opts, allSettled);
    const rileyId = (await db.grant.findUniqueOrThrow({ where: { id: short.id } })).principalId!;
    expect((await db.grant.findUniqueOrThrow({ where: { id: long.id } })).preExisting).toBe(false);
    await tickUntil(db, opts, async () => (await db.grant.findUniqueOrThrow({ where: { id: short.id } })).state === "EXPIRED");
    expect((await db.grant.findUniqueOrThrow({ where: { id: long.id } })).state).toBe("ACTIVE");
    expect(awsView(sim).hasAssignment(spec.accountId, fx.permissionSets.PowerUserAccess!.arn, rileyId)).toBe(true);
    expect(await activeWithoutAccess(db, sim)).toEqual([]);
    await tickUntil(db, opts, allEnded);
    expect(awsView(sim).hasAssignment(spec.accountId, fx.permissionSets.PowerUserAccess!.arn, rileyId)).toBe(false);
    expect(portalLeftovers(sim, standing, "jit-")).toEqual([]);
  });

  it("a grant waiting to start does not inherit an ending grant's assignment as standing access", async () => {
    const spec = { kind: "permissionSet", user: "riley", accountId: SAMPLE_ORG.accounts.prodWorkloads, permissionSet: "PowerUserAccess" } as const;
    const first = await createApprovedGrant(db, fx, spec, approve, { expiresInMs: 1_500 });
    await tickUntil(db, opts, allSettled);
    const rileyId = (await db.grant.findUniqueOrThrow({ where: { id: first.id } })).principalId!;
    // The renewal is approved and due, but the worker has not reached it when the first one ends.
    const renewal = await createApprovedGrant(db, fx, spec, approve, { expiresInMs: 3_000 });
    await db.grant.update({ where: { id: renewal.id }, data: { nextRunAt: new Date(Date.now() + 3_600_000) } });
    await tickUntil(db, opts, async () => (await db.grant.findUniqueOrThrow({ where: { id: first.id } })).state === "EXPIRED");
    await db.grant.update({ where: { id: renewal.id }, data: { nextRunAt: new Date() } });
    await tickUntil(db, opts, allSettled);
    const r = await db.grant.findUniqueOrThrow({ where: { id: renewal.id } });
    expect(r.state).toBe("ACTIVE");
    expect(r.preExisting, "the portal's own assignment is not standing access").toBe(false);
    expect(awsView(sim).hasAssignment(spec.accountId, fx.permissionSets.PowerUserAccess!.arn, rileyId)).toBe(true);
    await tickUntil(db, opts, allEnded);
    expect(awsView(sim).hasAssignment(spec.accountId, fx.permissionSets.PowerUserAccess!.arn, rileyId), "nobody's access is left behind").toBe(false);
  });

  it("never removes access the user already held (assignment and group membership)", async () => {
    await giveRileyStandingViewOnly();
    const ps = await createApprovedGrant(db, fx, { kind: "permissionSet", user: "riley", accountId: SAMPLE_ORG.accounts.devWorkloads, permissionSet: "ViewOnlyAccess" }, approve, { expiresInMs: 1_500 });
    // riley is a Developers member in the sample organization.
    const group = await createApprovedGrant(db, fx, { kind: "group", user: "riley", group: "Developers" }, approve, { expiresInMs: 1_500 });
    await tickUntil(db, opts, allSettled);
    expect((await db.grant.findUniqueOrThrow({ where: { id: ps.id } })).preExisting).toBe(true);
    expect((await db.grant.findUniqueOrThrow({ where: { id: group.id } })).preExisting).toBe(true);
    await tickUntil(db, opts, allEnded);
    expect(missingStanding(sim, standing)).toEqual([]);
    const run = await reconcileIntegration(db, fx.integration.id);
    expect(run.status).toBe("SUCCEEDED");
    expect(missingStanding(sim, standing)).toEqual([]);
    expect(sim.log().counts["sso-admin.DeleteAccountAssignment"] ?? 0).toBe(0);
    expect(sim.log().counts["identitystore.DeleteGroupMembership"] ?? 0).toBe(0);
  });

  it("keeps an outstanding assignment's in-flight slot across claims until AWS settles it", async () => {
    sim.setFaults({ asyncDelayMs: 1_500 });
    try {
      const g = await createApprovedGrant(db, fx, { kind: "permissionSet", user: "riley", accountId: SAMPLE_ORG.accounts.sandbox, permissionSet: "ViewOnlyAccess" }, approve, { expiresInMs: 60_000 });
      const short = { ...opts, maxInlineWaitMs: 100 };
      await tickUntil(db, short, async () => (await db.grant.findUniqueOrThrow({ where: { id: g.id } })).step === "POLL_ASSIGNMENT");
      // The claim has ended; AWS still works on the assignment, so its slot is still counted.
      expect(assignmentSlotsInUse()).toBe(1);
      await tickUntil(db, short, async () => (await db.grant.findUniqueOrThrow({ where: { id: g.id } })).state === "ACTIVE");
      expect(assignmentSlotsInUse()).toBe(0);
    } finally {
      sim.setFaults({ asyncDelayMs: 30 });
    }
  });

  it("a claim that outlived its lease loses its writes to the tick that re-claimed the grant", async () => {
    const g = await createApprovedGrant(db, fx, { kind: "bucket", user: "riley" }, approve, { expiresInMs: 60_000 });
    let releaseStale!: () => void;
    const staleMayGo = new Promise<void>((r) => (releaseStale = r));
    let staleBlocked!: () => void;
    const isBlocked = new Promise<void>((r) => (staleBlocked = r));
    let blocked = false;
    let released = false;
    // Two ticks of one process: the first stalls past its lease; the second re-claims and gets as far as polling.
    const o: TWorkerOptions = {
      ...opts,
      leaseMs: 200,
      onStep: async (e) => {
        if (e.phase !== "start") return;
        if (e.step === "CREATE_PERMISSION_SET" && !blocked) {
          blocked = true;
          staleBlocked();
          await staleMayGo;
        } else if (e.step === "POLL_ASSIGNMENT" && !released) {
          released = true;
          releaseStale();
          await new Promise((r) => setTimeout(r, 500));
        }
      },
    };
    const stale = runWorkerTick(db, o);
    await isBlocked;
    await new Promise((r) => setTimeout(r, 300));
    await Promise.all([stale, runWorkerTick(db, o)]);
    await tickUntil(db, opts, allSettled);
    expect((await db.grant.findUniqueOrThrow({ where: { id: g.id } })).state).toBe("ACTIVE");
    // The stale claim may repeat its one idempotent call, but records nothing and goes no further.
    expect(sim.log().counts["sso-admin.PutInlinePolicyToPermissionSet"]).toBe(1);
    expect(sim.log().counts["sso-admin.CreateAccountAssignment"]).toBe(1);
  });

  it("does not provision an approved grant whose target left the catalog or whose integration was disabled", async () => {
    const removed = await createApprovedGrant(db, fx, { kind: "bucket", user: "riley" }, approve, { expiresInMs: 60_000 });
    await db.resource.update({ where: { id: fx.bucket.id }, data: { deletedAt: new Date() } });
    try {
      await tickUntil(db, opts, allSettled);
    } finally {
      await db.resource.update({ where: { id: fx.bucket.id }, data: { deletedAt: null } });
    }
    const r = await db.grant.findUniqueOrThrow({ where: { id: removed.id } });
    expect(r.state).toBe("FAILED");
    expect(r.statusMessage).toMatch(/removed from AWS or from the catalog since this was approved/);
    const disabled = await createApprovedGrant(db, fx, { kind: "group", user: "sam", group: "Data Engineers" }, approve, { expiresInMs: 60_000 });
    await db.integration.update({ where: { id: fx.integration.id }, data: { enabled: false } });
    try {
      await tickUntil(db, opts, allSettled);
    } finally {
      await db.integration.update({ where: { id: fx.integration.id }, data: { enabled: true } });
    }
    expect((await db.grant.findUniqueOrThrow({ where: { id: disabled.id } })).statusMessage).toMatch(/integration was disabled/);
    // Approved, then the requester's portal account was disabled (offboarding): nothing is set up for them.
    const offboarded = await createApprovedGrant(db, fx, { kind: "bucket", user: "riley" }, approve, { expiresInMs: 60_000 });
    const riley = await db.grant.findUniqueOrThrow({ where: { id: offboarded.id }, select: { userId: true } });
    await db.user.update({ where: { id: riley.userId }, data: { disabled: true } });
    try {
      await tickUntil(db, opts, allSettled);
    } finally {
      await db.user.update({ where: { id: riley.userId }, data: { disabled: false } });
    }
    const o = await db.grant.findUniqueOrThrow({ where: { id: offboarded.id } });
    expect(o.state).toBe("FAILED");
    expect(o.statusMessage).toMatch(/portal account has been disabled/);
    expect(sim.log().counts["sso-admin.CreatePermissionSet"] ?? 0).toBe(0);
    expect(sim.log().counts["identitystore.CreateGroupMembership"] ?? 0).toBe(0);
  });

  it("does not assign, as Identity Center's delegated administrator, a permission set also provisioned to the management account", async () => {
    const management = fx.accounts[SAMPLE_ORG.accounts.management]!;
    const admin = fx.permissionSets.AdministratorAccess!;
    await db.account.update({ where: { id: management.id }, data: { isManagement: true } });
    await db.permissionSetAccount.create({ data: { permissionSetId: admin.id, accountId: management.id } });
    // The portal's credentials live in a member account (the delegated administrator).
    await db.integration.update({ where: { id: fx.integration.id }, data: { rootAccountId: SAMPLE_ORG.accounts.sandbox } });
    try {
      const grant = await createApprovedGrant(db, fx, { kind: "permissionSet", user: "riley", accountId: SAMPLE_ORG.accounts.devWorkloads, permissionSet: "AdministratorAccess" }, approve, {
        expiresInMs: 60_000,
      });
      await tickUntil(db, opts, allSettled);
      const g = await db.grant.findUniqueOrThrow({ where: { id: grant.id } });
      expect(g.state).toBe("FAILED");
      expect(g.statusMessage).toMatch(/also provisioned to the management account/);
      expect(sim.log().counts["sso-admin.CreateAccountAssignment"] ?? 0).toBe(0);
    } finally {
      await db.integration.update({ where: { id: fx.integration.id }, data: { rootAccountId: SAMPLE_ORG.accounts.management } });
      await db.permissionSetAccount.deleteMany({ where: { permissionSetId: admin.id } });
      await db.account.update({ where: { id: management.id }, data: { isManagement: false } });
    }
  });

  it("fails a grant visibly when the integration's stored secret cannot be decrypted (sealed for another integration)", async () => {
    const original = fx.integration.secretAccessKeyEnc;
    await db.integration.update({ where: { id: fx.integration.id }, data: { secretAccessKeyEnc: encryptSecret(SAMPLE_ORG.secretAccessKey, integrationSecretContext("another-integration")) } });
    try {
      const grant = await createApprovedGrant(db, fx, { kind: "group", user: "riley", group: "Data Engineers" }, approve, { expiresInMs: 60_000 });
      await tickUntil(db, opts, allSettled);
      const g = await db.grant.findUniqueOrThrow({ where: { id: grant.id } });
      expect(g.state).toBe("FAILED");
      expect(g.lastError).toMatch(/Integration not ready: the stored secret access key cannot be decrypted/);
      expect(g.statusMessage).toMatch(/AWS connection is not set up/);
    } finally {
      await db.integration.update({ where: { id: fx.integration.id }, data: { secretAccessKeyEnc: original } });
    }
  });

  it("does not give access when the requester's email now belongs to another Identity Center user", async () => {
    const before = awsView(sim).assignmentKeys();
    // Submitted as some earlier Identity Center user; the email now resolves to riley's current UserId.
    const g = await createApprovedGrant(db, fx, { kind: "bucket", user: "riley" }, approve, { expiresInMs: 60_000, requesterPrincipalId: "90000000-aaaa-bbbb-cccc-000000000001" });
    await tickUntil(db, opts, allSettled);
    const after = await db.grant.findUniqueOrThrow({ where: { id: g.id } });
    expect(after.state).toBe("FAILED");
    expect(after.statusMessage).toMatch(/Identity Center user changed after you asked/);
    expect(after.lastError).toMatch(/not 90000000-aaaa-bbbb-cccc-000000000001/);
    expect(sim.log().counts["sso-admin.CreatePermissionSet"] ?? 0).toBe(0);
    expect(awsView(sim).assignmentKeys()).toEqual(before);
    expect(awsView(sim).tempPermissionSets("jit-")).toEqual([]);
  });

  it("does not revoke a grant whose expiry moved (extension) and fails visibly without an Identity Center user", async () => {
    const g = await createApprovedGrant(db, fx, { kind: "bucket", user: "riley" }, approve, { expiresInMs: 60_000 });
    const nobody = await createApprovedGrant(db, fx, { kind: "bucket", user: "nobody" }, approve, { expiresInMs: 60_000 });
    await tickUntil(db, opts, allSettled);
    expect((await db.grant.findUniqueOrThrow({ where: { id: nobody.id } })).state).toBe("FAILED");
    expect((await db.grant.findUniqueOrThrow({ where: { id: nobody.id } })).statusMessage).toMatch(/No IAM Identity Center user/);
    // Due now (as if its old expiry passed) but extended before the worker got to it.
    await db.grant.update({ where: { id: g.id }, data: { nextRunAt: new Date(Date.now() - 1000), expiresAt: new Date(Date.now() + 60_000) } });
    await runWorkerTick(db, opts);
    const after = await db.grant.findUniqueOrThrow({ where: { id: g.id } });
    expect(after.state).toBe("ACTIVE");
    expect(after.nextRunAt.getTime()).toBe(after.expiresAt.getTime());
    expect(await activeWithoutAccess(db, sim)).toEqual([]);
    // Early revoke (what the requester side does), then the worker ends it REVOKED.
    await db.grant.update({ where: { id: g.id }, data: { expiresAt: new Date(), nextRunAt: new Date(), revokedById: fx.users.adrian!.id, revokeReason: "test" } });
    await tickUntil(db, opts, allEnded);
    expect((await db.grant.findUniqueOrThrow({ where: { id: g.id } })).state).toBe("REVOKED");
    expect(portalLeftovers(sim, standing, "jit-")).toEqual([]);
  });

  it("reconcile removes orphaned temporary sets, re-provisions vanished access and reports leftovers", async () => {
    const g = await createApprovedGrant(db, fx, { kind: "bucket", user: "riley" }, approve, { expiresInMs: 60_000 });
    await tickUntil(db, opts, allSettled);
    const active = await db.grant.findUniqueOrThrow({ where: { id: g.id } });
    // The assignment vanishes out of band.
    const del = await fetch(`${sim.url}/_sim/assignments`, {
      method: "DELETE",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ accountId: active.awsAccountId, permissionSetArn: active.permissionSetArn, principalType: "USER", principalId: active.principalId }),
    });
    expect(del.ok).toBe(true);
    expect(await activeWithoutAccess(db, sim)).toEqual([g.id]);
    // An orphan: a set this integration made for a grant this database no longer has (restored from a backup).
    const { sso } = (await import("../aws-sim/test-clients.ts")).simClients(sim);
    const { CreatePermissionSetCommand } = await import("@aws-sdk/client-sso-admin");
    const managed = { Key: "managed-by", Value: "jit-access-portal" };
    await sso.send(new CreatePermissionSetCommand({ InstanceArn: SAMPLE_ORG.instanceArn, Name: "jit-orphanorphanorphanorphanorph", Tags: [managed, { Key: "integration-id", Value: fx.integration.id }, { Key: "grant-id", Value: "gone" }] }));
    // Another installation's live set on the same instance, same prefix: not ours to remove.
    await sso.send(new CreatePermissionSetCommand({ InstanceArn: SAMPLE_ORG.instanceArn, Name: "jit-otherinstallationotherinsta", Tags: [managed, { Key: "integration-id", Value: "other-installation" }, { Key: "grant-id", Value: "theirs" }] }));
    const run = await reconcileIntegration(db, fx.integration.id);
    const findings = run.findings as { kind: string; action: string; grantId?: string }[];
    expect(findings).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: "ORPHAN_TEMP_PERMISSION_SET", action: "REMOVED", grantId: "gone" }),
        expect.objectContaining({ kind: "ORPHAN_TEMP_PERMISSION_SET", action: "REPORTED", grantId: "theirs" }),
        expect.objectContaining({ kind: "MISSING_ASSIGNMENT", action: "REPROVISIONED" }),
      ]),
    );
    expect(awsView(sim).permissionSets.some((p) => p.name === "jit-orphanorphanorphanorphanorph")).toBe(false);
    expect(awsView(sim).permissionSets.some((p) => p.name === "jit-otherinstallationotherinsta")).toBe(true);
    const removal = await db.auditEvent.findFirst({ where: { action: "reconcile.orphan_removed", subjectId: run.id } });
    expect(removal?.details).toMatchObject({ permissionSetName: "jit-orphanorphanorphanorphanorph", grantId: "gone" });
    await tickUntil(db, opts, allSettled);
    expect((await db.grant.findUniqueOrThrow({ where: { id: g.id } })).state).toBe("ACTIVE");
    expect(await activeWithoutAccess(db, sim)).toEqual([]);
    expect(missingStanding(sim, standing)).toEqual([]);
  });

  it("a tick past its deadline starts no step: claimed grants are released as they were and the next tick does them", async () => {
    const ids = await Promise.all([1, 2, 3].map(() => createApprovedGrant(db, fx, { kind: "bucket", user: "riley" }, approve, { expiresInMs: 60_000 })));
    const report = await runWorkerTick(db, { ...opts, deadline: Date.now() });
    expect(report.claimed).toBe(3);
    const untouched = await db.grant.findMany({ where: { id: { in: ids.map((g) => g.id) } } });
    expect(untouched.map((g) => [g.state, g.lockedBy])).toEqual([["APPROVED", null], ["APPROVED", null], ["APPROVED", null]]);
    // A deadline that falls while a grant waits on AWS: the tick returns by then, the grant is released mid-way.
    sim.setFaults({ asyncDelayMs: 1_500 });
    try {
      const started = Date.now();
      await runWorkerTick(db, { ...opts, maxInlineWaitMs: 10_000, deadline: Date.now() + 700 });
      expect(Date.now() - started).toBeLessThan(1_400);
      const midway = await db.grant.findMany({ where: { id: { in: ids.map((g) => g.id) } } });
      expect(midway.every((g) => g.lockedBy === null && g.state !== "ACTIVE")).toBe(true);
    } finally {
      sim.setFaults({ asyncDelayMs: 30 });
    }
    await tickUntil(db, opts, allSettled);
    expect(await activeWithoutAccess(db, sim)).toEqual([]);
    expect((await db.grant.findMany({ where: { id: { in: ids.map((g) => g.id) } } })).every((g) => g.state === "ACTIVE")).toBe(true);
  });

  it("a reconcile that reaches its deadline mid-scan stops, says so, and the next one continues where it stopped", async () => {
    const { sso } = (await import("../aws-sim/test-clients.ts")).simClients(sim);
    const { CreatePermissionSetCommand } = await import("@aws-sdk/client-sso-admin");
    const orphan = async (name: string) =>
      (
        await sso.send(
          new CreatePermissionSetCommand({
            InstanceArn: SAMPLE_ORG.instanceArn,
            Name: name,
            Tags: [{ Key: "managed-by", Value: "jit-access-portal" }, { Key: "integration-id", Value: fx.integration.id }, { Key: "grant-id", Value: `gone-${name}` }],
          }),
        )
      ).PermissionSet!.PermissionSetArn!;
    await orphan("jit-orphanaaaaaaaaaaaaaaaaaaaaaa");
    await orphan("jit-orphanbbbbbbbbbbbbbbbbbbbbbb");
    const orphansLeft = () => awsView(sim).tempPermissionSets("jit-orphan").length;
    const hour = 3_600_000;
    // Out of time before the scan: the run says so and keeps its place.
    const [first] = await runDueReconciles(db, new Date(), { intervalMs: hour, deadline: Date.now() - 1 });
    expect(first).toMatchObject({ status: "PARTIAL", resumeAfterArn: "" });
    expect(first!.findings).toEqual([expect.objectContaining({ kind: "INCOMPLETE", action: "REPORTED" })]);
    expect(orphansLeft()).toBe(2);
    // Not due by its interval, but unfinished: continued at once, to the end.
    const [second] = await runDueReconciles(db, new Date(), { intervalMs: hour });
    expect(second).toMatchObject({ status: "SUCCEEDED", resumeAfterArn: null });
    expect(orphansLeft()).toBe(0);
    expect(await runDueReconciles(db, new Date(), { intervalMs: hour })).toEqual([]);
    // A continuation skips what the earlier run had checked (ARN order).
    const arns = [await orphan("jit-orphancccccccccccccccccccccc"), await orphan("jit-orphandddddddddddddddddddddd")].sort();
    const resumed = await reconcileIntegration(db, fx.integration.id, { resumeAfterArn: arns[0] });
    expect((resumed.findings as { permissionSetArn: string; action: string }[]).filter((f) => f.action === "REMOVED").map((f) => f.permissionSetArn)).toEqual([arns[1]]);
    expect(orphansLeft()).toBe(1);
    // A continuation that cannot check a single set ends the chain (no run on every tick); the interval takes over.
    const stuck = await reconcileIntegration(db, fx.integration.id, { resumeAfterArn: "", deadline: Date.now() - 1 });
    expect(stuck).toMatchObject({ status: "PARTIAL", resumeAfterArn: null });
    expect(await runDueReconciles(db, new Date(), { intervalMs: hour })).toEqual([]);
  });

  it("a reconcile cut off while removing an orphan's assignment starts again at that set", async () => {
    const { sso } = (await import("../aws-sim/test-clients.ts")).simClients(sim);
    const { CreatePermissionSetCommand } = await import("@aws-sdk/client-sso-admin");
    const name = "jit-orphaneeeeeeeeeeeeeeeeeeeeee";
    await sso.send(
      new CreatePermissionSetCommand({
        InstanceArn: SAMPLE_ORG.instanceArn,
        Name: name,
        Tags: [{ Key: "managed-by", Value: "jit-access-portal" }, { Key: "integration-id", Value: fx.integration.id }, { Key: "grant-id", Value: "gone" }],
      }),
    );
    const riley = (sim.snapshot().users as { userId: string; userName: string }[]).find((u) => u.userName === SAMPLE_ORG.users.riley)!;
    const res = await fetch(`${sim.url}/_sim/assignments`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ accountId: SAMPLE_ORG.accounts.sandbox, permissionSetName: name, principalType: "USER", principalId: riley.userId }),
    });
    expect(res.ok).toBe(true);
    sim.setFaults({ asyncDelayMs: 2_000 });
    try {
      const cut = await reconcileIntegration(db, fx.integration.id, { deadline: Date.now() + 600 });
      expect(cut).toMatchObject({ status: "PARTIAL" });
      expect(cut.resumeAfterArn).not.toBeNull();
      expect(awsView(sim).tempPermissionSets(name)).toHaveLength(1);
      // The deletion it started finishes in AWS meanwhile; the continuation checks that set again and removes it.
      await new Promise((r) => setTimeout(r, 2_000));
      sim.setFaults({ asyncDelayMs: 30 });
      const next = await reconcileIntegration(db, fx.integration.id, { resumeAfterArn: cut.resumeAfterArn });
      expect(next.findings).toEqual([expect.objectContaining({ kind: "ORPHAN_TEMP_PERMISSION_SET", action: "REMOVED" })]);
      expect(awsView(sim).tempPermissionSets(name)).toEqual([]);
    } finally {
      sim.setFaults({ asyncDelayMs: 30 });
    }
  });

  it("an admin retries a failed grant once the cause is fixed, and force-revokes a live one", async () => {
    const g = await createApprovedGrant(db, fx, { kind: "bucket", user: "nobody" }, approve, { expiresInMs: 60_000 });
    await tickUntil(db, opts, allSettled);
    expect((await db.grant.findUniqueOrThrow({ where: { id: g.id } })).state).toBe("FAILED");
    const adrian = { id: fx.users.adrian!.id, email: fx.users.adrian!.email };
    // The cause: no Identity Center user. Fixed out of band, then retried.
    const res = await fetch(`${sim.url}/_sim/users`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ userName: "nobody@example.com", email: "nobody@example.com" }) });
    expect(res.ok).toBe(true);
    await retryGrant(db, adrian, { grantId: g.id });
    await expect(retryGrant(db, adrian, { grantId: g.id })).rejects.toThrow();
    await tickUntil(db, opts, allSettled);
    expect((await db.grant.findUniqueOrThrow({ where: { id: g.id } })).state).toBe("ACTIVE");
    expect(await activeWithoutAccess(db, sim)).toEqual([]);
    await expect(forceRevokeGrant(db, adrian, { grantId: g.id, reason: "" })).rejects.toThrow();
    await forceRevokeGrant(db, adrian, { grantId: g.id, reason: "incident closed" });
    await expect(forceRevokeGrant(db, adrian, { grantId: g.id, reason: "again" })).rejects.toMatchObject({ code: "CONFLICT", userMessage: expect.stringMatching(/already in progress/) });
    await tickUntil(db, opts, allEnded);
    const ended = await db.grant.findUniqueOrThrow({ where: { id: g.id } });
    expect(ended.state).toBe("REVOKED");
    expect(ended.revokedById).toBe(adrian.id);
    expect(portalLeftovers(sim, standing, "jit-")).toEqual([]);
    const actions = (await db.auditEvent.findMany({ where: { subjectId: g.id }, orderBy: { seq: "asc" } })).map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(["grant.failed", "grant.retried", "grant.active", "grant.force_revoked", "grant.revoking", "grant.revoked"]));
  });

  it("attaches a customer-managed policy reference for an IAM policy target (recomputed, not taken from the request)", async () => {
    const policies = (sim.snapshot().resources as Record<string, { policies: { name: string; path: string }[] }>)[SAMPLE_ORG.accounts.prodWorkloads]!.policies;
    const policy = policies.find((p) => p.path !== "/") ?? policies[0]!;
    const arn = `arn:aws:iam::${SAMPLE_ORG.accounts.prodWorkloads}:policy${policy.path}${policy.name}`;
    const account = fx.accounts[SAMPLE_ORG.accounts.prodWorkloads]!;
    const resource = await db.resource.create({ data: { integrationId: fx.integration.id, accountId: account.id, type: "IAM_POLICY", arn, name: policy.name } });
    const request = await db.accessRequest.create({
      data: { integrationId: fx.integration.id, requesterId: fx.users.riley!.id, targetType: "RESOURCE", resourceId: resource.id, accountId: account.id, accessLevel: "attach", durationMinutes: 60, justification: "test" },
    });
    await approve(request.id);
    await tickUntil(db, opts, allSettled);
    const g = await db.grant.findUniqueOrThrow({ where: { requestId: request.id } });
    expect(g.state).toBe("ACTIVE");
    const set = awsView(sim).permissionSets.find((p) => p.arn === g.permissionSetArn) as unknown as { customerManagedPolicyReferences: { Name: string; Path: string }[]; inlinePolicy?: string };
    expect(set.customerManagedPolicyReferences).toEqual([{ Name: policy.name, Path: policy.path }]);
    expect(set.inlinePolicy ?? "").toBe("");
    expect(await activeWithoutAccess(db, sim)).toEqual([]);
  });
});

describe("revoked while provisioning", () => {
  const adrian = () => ({ id: fx.users.adrian!.id, email: fx.users.adrian!.email });

  /** One step per tick until the grant reaches `step` (the tick that got it there recorded it). */
  async function stepTo(grantId: string, step: string) {
    const one = { ...opts, maxStepsPerClaim: 1 };
    await tickUntil(db, one, async () => (await db.grant.findUniqueOrThrow({ where: { id: grantId } })).step === step);
  }

  it("never removes standing access when the revoke lands before the worker checked for it", async () => {
    await giveRileyStandingViewOnly();
    const ps = await createApprovedGrant(db, fx, { kind: "permissionSet", user: "riley", accountId: SAMPLE_ORG.accounts.devWorkloads, permissionSet: "ViewOnlyAccess" }, approve, { expiresInMs: 60_000 });
    await stepTo(ps.id, "CHECK_EXISTING");
    await forceRevokeGrant(db, adrian(), { grantId: ps.id, reason: "changed my mind" });
    // riley is a Developers member in the sample organization.
    const group = await createApprovedGrant(db, fx, { kind: "group", user: "riley", group: "Developers" }, approve, { expiresInMs: 60_000 });
    await stepTo(group.id, "CHECK_MEMBERSHIP");
    await forceRevokeGrant(db, adrian(), { grantId: group.id, reason: "changed my mind" });
    await tickUntil(db, opts, allEnded);
    expect((await db.grant.findMany()).map((g) => g.state)).toEqual(["REVOKED", "REVOKED"]);
    expect(missingStanding(sim, standing)).toEqual([]);
    expect(sim.log().counts["sso-admin.DeleteAccountAssignment"] ?? 0).toBe(0);
    expect(sim.log().counts["identitystore.DeleteGroupMembership"] ?? 0).toBe(0);
  });

  it("a revoke committed during a step is not overwritten by that step (no sleep until the old expiry)", async () => {
    const g = await createApprovedGrant(db, fx, { kind: "bucket", user: "riley" }, approve, { expiresInMs: 60_000 });
    let revoked = false;
    const racing: TWorkerOptions = {
      ...opts,
      onStep: async (e) => {
        if (e.phase !== "start" || e.step !== "POLL_ASSIGNMENT" || revoked) return;
        revoked = true;
        await forceRevokeGrant(db, adrian(), { grantId: g.id, reason: "incident" });
      },
    };
    await tickUntil(db, racing, allEnded, 10_000);
    expect(revoked).toBe(true);
    expect((await db.grant.findUniqueOrThrow({ where: { id: g.id } })).state).toBe("REVOKED");
    expect(portalLeftovers(sim, standing, "jit-")).toEqual([]);
    const actions = (await db.auditEvent.findMany({ where: { subjectId: g.id }, orderBy: { seq: "asc" } })).map((e) => e.action);
    expect(actions).not.toContain("grant.active");
  });

  it("lets its own assignment creation settle before deleting it, so nothing is left behind", async () => {
    sim.setFaults({ asyncDelayMs: 800 });
    try {
      const g = await createApprovedGrant(db, fx, { kind: "bucket", user: "riley" }, approve, { expiresInMs: 60_000 });
      const at: Record<string, number> = {};
      let revoked = false;
      const racing: TWorkerOptions = {
        ...opts,
        afterAwsChange: (_id, operation) => {
          at[operation] ??= Date.now();
        },
        onStep: async (e) => {
          if (e.phase !== "start" || e.step !== "POLL_ASSIGNMENT" || revoked) return;
          revoked = true;
          await forceRevokeGrant(db, adrian(), { grantId: g.id, reason: "incident" });
        },
      };
      await tickUntil(db, racing, allEnded, 15_000);
      expect((await db.grant.findUniqueOrThrow({ where: { id: g.id } })).state).toBe("REVOKED");
      expect(at.DeleteAccountAssignment! - at.CreateAccountAssignment!).toBeGreaterThanOrEqual(700);
      expect(portalLeftovers(sim, standing, "jit-")).toEqual([]);
    } finally {
      sim.setFaults({ asyncDelayMs: 30 });
    }
  });

  it("a revoke that lands while the assignment is being created waits for that creation before deleting", async () => {
    sim.setFaults({ asyncDelayMs: 800 });
    try {
      const g = await createApprovedGrant(db, fx, { kind: "permissionSet", user: "riley", accountId: SAMPLE_ORG.accounts.sandbox, permissionSet: "ViewOnlyAccess" }, approve, { expiresInMs: 60_000 });
      let revoked = false;
      const at: Record<string, number> = {};
      // The revoke commits between AWS accepting the creation and the worker recording its request id.
      const racing: TWorkerOptions = {
        ...opts,
        afterAwsChange: (_id, operation) => {
          at[operation] ??= Date.now();
        },
        resolveAws: (integration) => {
          const aws = opts.resolveAws(integration);
          const sso = new Proxy(aws.ic.sso, {
            get(target, prop, receiver) {
              if (prop !== "send") return Reflect.get(target, prop, receiver) as unknown;
              return async (command: { constructor: { name: string } }, ...rest: unknown[]) => {
                const out = await (target.send as (...a: unknown[]) => Promise<unknown>).call(target, command, ...rest);
                if (command.constructor.name === "CreateAccountAssignmentCommand" && !revoked) {
                  revoked = true;
                  await forceRevokeGrant(db, adrian(), { grantId: g.id, reason: "incident" });
                }
                return out;
              };
            },
          });
          return { ...aws, ic: { ...aws.ic, sso } };
        },
      };
      await tickUntil(db, racing, allEnded, 15_000);
      expect(revoked).toBe(true);
      const after = await db.grant.findUniqueOrThrow({ where: { id: g.id } });
      expect(after.state).toBe("REVOKED");
      expect(after.assignmentRequestId, "the creation in flight was recorded despite the revoke").toBeTruthy();
      // The deletion waited for the creation (800 ms in AWS) instead of racing it.
      expect(at.DeleteAccountAssignment! - at.CreateAccountAssignment!).toBeGreaterThanOrEqual(700);
      // One deletion, sent after the creation settled: none raced it (a raced one can end "not found" and leave the access).
      expect(sim.log().counts["sso-admin.DeleteAccountAssignment"]).toBe(1);
      expect(awsView(sim).hasAssignment(SAMPLE_ORG.accounts.sandbox, fx.permissionSets.ViewOnlyAccess!.arn, after.principalId!)).toBe(false);
    } finally {
      sim.setFaults({ asyncDelayMs: 30 });
    }
  });

  /** Worker options whose AWS client runs `after` once, right after the first `commandName` AWS accepted. */
  function afterCommand(base: TWorkerOptions, client: "sso" | "store", commandName: string, after: () => Promise<void>): TWorkerOptions {
    let done = false;
    return {
      ...base,
      resolveAws: (integration) => {
        const aws = base.resolveAws(integration);
        const inner = client === "sso" ? aws.ic.sso : aws.store.ids;
        const wrapped = new Proxy(inner, {
          get(target, prop, receiver) {
            if (prop !== "send") return Reflect.get(target, prop, receiver) as unknown;
            return async (command: { constructor: { name: string } }, ...rest: unknown[]) => {
              const out = await (target.send as (...a: unknown[]) => Promise<unknown>).call(target, command, ...rest);
              if (command.constructor.name === commandName && !done) {
                done = true;
                await after();
              }
              return out;
            };
          },
        });
        return client === "sso" ? { ...aws, ic: { ...aws.ic, sso: wrapped as typeof aws.ic.sso } } : { ...aws, store: { ...aws.store, ids: wrapped as typeof aws.store.ids } };
      },
    };
  }

  it("a revoke that lands while the temporary permission set is being created still deletes the set", async () => {
    const g = await createApprovedGrant(db, fx, { kind: "bucket", user: "riley" }, approve, { expiresInMs: 60_000 });
    const racing = afterCommand(opts, "sso", "CreatePermissionSetCommand", () => forceRevokeGrant(db, adrian(), { grantId: g.id, reason: "incident" }).then(() => undefined));
    await tickUntil(db, racing, allEnded, 15_000);
    const after = await db.grant.findUniqueOrThrow({ where: { id: g.id } });
    expect(after.state).toBe("REVOKED");
    expect(after.permissionSetArn, "the set AWS created was recorded despite the revoke").toBeTruthy();
    expect(awsView(sim).tempPermissionSets("jit-")).toEqual([]);
  });

  it("a crash between creating the temporary permission set and recording it: the reconciler removes the set by its tags", async () => {
    const g = await createApprovedGrant(db, fx, { kind: "bucket", user: "riley" }, approve, { expiresInMs: 60_000 });
    const crashing = workerOptions({ ...opts, workerId: "crashy", afterAwsChange: (_id, op) => { if (op === "CreatePermissionSet") throw new SimulatedCrash("crash after CreatePermissionSet"); } });
    await runWorkerTick(db, crashing);
    expect(awsView(sim).tempPermissionSets("jit-")).toHaveLength(1);
    expect((await db.grant.findUniqueOrThrow({ where: { id: g.id } })).permissionSetArn).toBeNull();
    // Revoked before the crashed worker's lease ran out; then another worker takes over.
    await forceRevokeGrant(db, adrian(), { grantId: g.id, reason: "incident" });
    await db.grant.update({ where: { id: g.id }, data: { lockedBy: null, lockedUntil: null } });
    await tickUntil(db, opts, allEnded, 15_000);
    expect((await db.grant.findUniqueOrThrow({ where: { id: g.id } })).state).toBe("REVOKED");
    const run = await reconcileIntegration(db, fx.integration.id);
    expect(run.findings).toEqual([expect.objectContaining({ kind: "ORPHAN_TEMP_PERMISSION_SET", action: "REMOVED", grantId: g.id })]);
    expect(awsView(sim).tempPermissionSets("jit-")).toEqual([]);
  });

  it("a second grant for a group checking membership while the first is adding it does not take it for standing access", async () => {
    const spec = { kind: "group", user: "sam", group: "Data Engineers" } as const;
    const a = await createApprovedGrant(db, fx, spec, approve, { expiresInMs: 60_000 });
    const b = await createApprovedGrant(db, fx, spec, approve, { expiresInMs: 60_000 });
    await db.grant.update({ where: { id: b.id }, data: { nextRunAt: new Date(Date.now() + 3_600_000) } });
    const other = workerOptions({ ...opts, workerId: "w2" });
    // Right after AWS added A's membership (before A records it), B runs all the way to ACTIVE on another worker.
    const racing = afterCommand(opts, "store", "CreateGroupMembershipCommand", async () => {
      await db.grant.update({ where: { id: b.id }, data: { nextRunAt: new Date() } });
      await tickUntil(db, other, async () => (await db.grant.findUniqueOrThrow({ where: { id: b.id } })).state === "ACTIVE");
    });
    await tickUntil(db, racing, async () => (await db.grant.findUniqueOrThrow({ where: { id: a.id } })).state === "ACTIVE");
    expect((await db.grant.findUniqueOrThrow({ where: { id: b.id } })).preExisting).toBe(false);
    // A ends: the membership stays for B.
    await db.grant.update({ where: { id: a.id }, data: { expiresAt: new Date(), nextRunAt: new Date() } });
    await tickUntil(db, opts, async () => (await db.grant.findUniqueOrThrow({ where: { id: a.id } })).state === "EXPIRED");
    expect(await activeWithoutAccess(db, sim)).toEqual([]);
  });

  it("a retried grant revoked before it looked again does not trust what the failed attempt learnt", async () => {
    await giveRileyStandingViewOnly();
    const g = await createApprovedGrant(db, fx, { kind: "permissionSet", user: "riley", accountId: SAMPLE_ORG.accounts.devWorkloads, permissionSet: "ViewOnlyAccess" }, approve, { expiresInMs: 60_000 });
    const rileyId = (sim.snapshot().users as { userId: string; userName: string }[]).find((u) => u.userName === SAMPLE_ORG.users.riley)!.userId;
    // The failed attempt had created (and its cleanup removed) its own assignment; since then the user got it as standing access.
    await db.grant.update({ where: { id: g.id }, data: { state: "FAILED", step: null, principalId: rileyId, assignmentRequestId: "stale-request", preExisting: false, lastError: "earlier failure" } });
    await retryGrant(db, adrian(), { grantId: g.id });
    await forceRevokeGrant(db, adrian(), { grantId: g.id, reason: "not needed after all" });
    await tickUntil(db, opts, allEnded);
    expect((await db.grant.findUniqueOrThrow({ where: { id: g.id } })).state).toBe("REVOKED");
    expect(missingStanding(sim, standing)).toEqual([]);
    expect(sim.log().counts["sso-admin.DeleteAccountAssignment"] ?? 0).toBe(0);
  });

  it("a renewal waits while the grant that owns the access is removing it, then sets up its own", async () => {
    const spec = { kind: "group", user: "sam", group: "Data Engineers" } as const;
    const first = await createApprovedGrant(db, fx, spec, approve, { expiresInMs: 60_000 });
    await tickUntil(db, opts, allSettled);
    const owner = await db.grant.findUniqueOrThrow({ where: { id: first.id } });
    expect(owner.state).toBe("ACTIVE");
    // Revoked, and its removal (which did not count the renewal) is about to run when the renewal looks.
    await forceRevokeGrant(db, adrian(), { grantId: first.id, reason: "rotate" });
    await db.grant.update({ where: { id: first.id }, data: { state: "REVOKING", step: "REMOVE_MEMBERSHIP", nextRunAt: new Date(Date.now() + 3_600_000) } });
    const renewal = await createApprovedGrant(db, fx, spec, approve, { expiresInMs: 60_000 });
    for (let i = 0; i < 3; i++) await runWorkerTick(db, opts);
    const waiting = await db.grant.findUniqueOrThrow({ where: { id: renewal.id } });
    expect(waiting.state, "not ACTIVE on access that is being removed").toBe("PROVISIONING");
    expect(waiting.step).toBe("CHECK_MEMBERSHIP");
    await db.grant.update({ where: { id: first.id }, data: { nextRunAt: new Date() } });
    await tickUntil(db, opts, allSettled);
    expect((await db.grant.findUniqueOrThrow({ where: { id: first.id } })).state).toBe("REVOKED");
    const active = await db.grant.findUniqueOrThrow({ where: { id: renewal.id } });
    expect(active).toMatchObject({ state: "ACTIVE", preExisting: false });
    expect(awsView(sim).hasMembership(owner.groupAwsId!, owner.principalId!)).toBe(true);
  });

  it("an extension approved after a revoke does not undo it, and is closed", async () => {
    const g = await createApprovedGrant(db, fx, { kind: "bucket", user: "riley" }, approve, { expiresInMs: 60_000 });
    await tickUntil(db, opts, allSettled);
    const active = await db.grant.findUniqueOrThrow({ where: { id: g.id }, include: { request: true } });
    expect(active.state).toBe("ACTIVE");
    const r = active.request;
    const extension = await db.accessRequest.create({
      data: { integrationId: r.integrationId, requesterId: r.requesterId, targetType: r.targetType, resourceId: r.resourceId, accountId: r.accountId, accessLevel: r.accessLevel, policyDocument: r.policyDocument, durationMinutes: 60, justification: "more time", extendsGrantId: g.id },
    });
    await forceRevokeGrant(db, adrian(), { grantId: g.id, reason: "incident" });
    await expect(approve(extension.id)).rejects.toMatchObject({ code: "CONFLICT", userMessage: "The access this extends has already ended." });
    const after = await db.grant.findUniqueOrThrow({ where: { id: g.id } });
    expect(after.expiresAt.getTime()).toBeLessThanOrEqual(Date.now());
    expect((await db.accessRequest.findUniqueOrThrow({ where: { id: extension.id } })).status).toBe("PENDING");
    // The tick closes it before the worker has even started removing the access.
    expect(await expirePendingRequests(db)).toMatchObject({ extensionsClosed: 1 });
    expect((await db.accessRequest.findUniqueOrThrow({ where: { id: extension.id } })).status).toBe("CANCELLED");
    await tickUntil(db, opts, allEnded);
    expect((await db.grant.findUniqueOrThrow({ where: { id: g.id } })).state).toBe("REVOKED");
    expect(portalLeftovers(sim, standing, "jit-")).toEqual([]);
  });
});
