import { DeleteGroupMembershipCommand } from "@aws-sdk/client-identitystore";
import { CreateAccountAssignmentCommand, DescribeAccountAssignmentCreationStatusCommand, UntagResourceCommand } from "@aws-sdk/client-sso-admin";
import { describe, expect, it } from "vitest";
import { SAMPLE_ORG, type AwsSimulator } from "../aws-sim/index.ts";
import { simClients, waitDone } from "../aws-sim/test-clients.ts";
import type { TDb } from "../db/client.ts";
import { finalizeApproval } from "../access/finalize-approval.ts";
import { notifyGrantEvent } from "../notifications/notify-grant-event.ts";
import { reconcileIntegration } from "./reconcile-integration.ts";
import { runWorkerTick } from "./run-worker-tick.ts";
import { workerOptions, type TWorkerOptions } from "./worker-options.ts";
import { FAST_WORKER_TIMINGS, awsView, createApprovedGrant, missingStanding, portalLeftovers, standingAccess, tickUntil, type TFixture } from "./provisioning-test-kit.ts";
import { useWorkerTestbed } from "./use-worker-testbed.test-helper.ts";

// Removal that must not get stuck, must not take standing access, and must not fail silently.
let sim: AwsSimulator;
let db: TDb;
let fx: TFixture;
let standing: ReturnType<typeof standingAccess>;
let opts: TWorkerOptions;

const approve = (requestId: string) => db.$transaction((tx) => finalizeApproval(tx, requestId, "system"));
const noChannels = { smtpUrl: null, smtpFrom: "jit@example.com", slackWebhookUrl: null, baseUrl: null };

useWorkerTestbed((t) => {
  ({ sim, db, fx, standing } = t);
  opts = workerOptions({
    ...FAST_WORKER_TIMINGS,
    workerId: "removal",
    revokeBackoffMaxMs: 300,
    maxInlineWaitMs: 2_000,
    notify: (grantId, event) => notifyGrantEvent(db, grantId, event, { channels: noChannels }),
  });
});

const grant = (id: string) => db.grant.findUniqueOrThrow({ where: { id } });
const simUserId = (userName: string) => (sim.snapshot().users as { userId: string; userName: string }[]).find((u) => u.userName === userName)!.userId;
const simGroupId = (name: string) => (sim.snapshot().groups as { groupId: string; displayName: string }[]).find((g) => g.displayName === name)!.groupId;

/** What someone does in the AWS console: assigns a set to another principal, through the SDK. */
async function assignOutsidePortal(permissionSetArn: string, accountId: string, principalType: "USER" | "GROUP", principalId: string) {
  const { sso } = simClients(sim);
  const out = await sso.send(
    new CreateAccountAssignmentCommand({ InstanceArn: SAMPLE_ORG.instanceArn, TargetId: accountId, TargetType: "AWS_ACCOUNT", PermissionSetArn: permissionSetArn, PrincipalType: principalType, PrincipalId: principalId }),
  );
  const requestId = out.AccountAssignmentCreationStatus!.RequestId!;
  const done = await waitDone(async () =>
    (await sso.send(new DescribeAccountAssignmentCreationStatusCommand({ InstanceArn: SAMPLE_ORG.instanceArn, AccountAssignmentCreationRequestId: requestId }))).AccountAssignmentCreationStatus,
  );
  expect(done.Status).toBe("SUCCEEDED");
}

async function expireNow(id: string) {
  await db.grant.update({ where: { id }, data: { expiresAt: new Date(), nextRunAt: new Date() } });
}

describe("removing a temporary permission set someone assigned outside the portal", () => {
  it("removes every assignment of the grant's own set (other principals, other accounts), deletes the set and records who had been added", async () => {
    const g = await createApprovedGrant(db, fx, { kind: "bucket", user: "riley" }, approve, { expiresInMs: 60_000 });
    await tickUntil(db, opts, async () => (await grant(g.id)).state === "ACTIVE");
    const active = await grant(g.id);
    const arn = active.permissionSetArn!;
    const developers = simGroupId("Developers");
    const avery = simUserId(SAMPLE_ORG.users.avery);
    await assignOutsidePortal(arn, active.awsAccountId!, "GROUP", developers);
    // Also into another account: the set is then provisioned there too.
    await assignOutsidePortal(arn, SAMPLE_ORG.accounts.sandbox, "USER", avery);

    await expireNow(g.id);
    await tickUntil(db, opts, async () => (await grant(g.id)).state === "EXPIRED", 10_000);

    const view = awsView(sim);
    expect(view.permissionSets.some((p) => p.arn === arn), "the temporary set is deleted").toBe(false);
    expect(view.assignments.filter((a) => a.permissionSetArn === arn)).toEqual([]);
    expect(portalLeftovers(sim, standing, "jit-")).toEqual([]);
    expect(missingStanding(sim, standing)).toEqual([]);
    // One audit event per removed assignment, written as each deletion goes through.
    const audits = await db.auditEvent.findMany({ where: { action: "grant.assignments_removed", subjectId: g.id } });
    const removed = audits.flatMap((audit) => (audit.details as { assignmentsRemoved: { accountId: string; principalType: string; principalId: string; addedOutsidePortal: boolean }[] }).assignmentsRemoved);
    expect(removed).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ accountId: active.awsAccountId, principalType: "GROUP", principalId: developers, addedOutsidePortal: true }),
        expect.objectContaining({ accountId: SAMPLE_ORG.accounts.sandbox, principalType: "USER", principalId: avery, addedOutsidePortal: true }),
      ]),
    );
    expect(removed).toHaveLength(2);
    for (const audit of audits) expect(audit.details).toMatchObject({ permissionSetArn: arn, addedOutsidePortal: 1 });
  });

  it("does not strip the assignments of a set that is not tagged for this grant", async () => {
    const g = await createApprovedGrant(db, fx, { kind: "bucket", user: "riley" }, approve, { expiresInMs: 60_000 });
    await tickUntil(db, opts, async () => (await grant(g.id)).state === "ACTIVE");
    const active = await grant(g.id);
    const arn = active.permissionSetArn!;
    const developers = simGroupId("Developers");
    await assignOutsidePortal(arn, active.awsAccountId!, "GROUP", developers);
    await simClients(sim).sso.send(new UntagResourceCommand({ InstanceArn: SAMPLE_ORG.instanceArn, ResourceArn: arn, TagKeys: ["grant-id"] }));

    await expireNow(g.id);
    await tickUntil(db, opts, async () => (await grant(g.id)).attempts >= 4, 10_000);
    expect((await grant(g.id)).state).toBe("REVOKING");
    const stripped = await db.auditEvent.count({ where: { action: "grant.assignments_removed", subjectId: g.id } });
    expect(stripped).toBe(0);
    expect(awsView(sim).assignments.some((a) => a.permissionSetArn === arn && a.principalId === developers)).toBe(true);
  });
});

describe("reconcile and standing access", () => {
  it("sends a standing-access grant whose access looked missing back to the check step, never to ASSIGN with preExisting false", async () => {
    const riley = simUserId(SAMPLE_ORG.users.riley);
    const viewOnly = fx.permissionSets.ViewOnlyAccess!.arn;
    const account = SAMPLE_ORG.accounts.devWorkloads;
    const assignment = { accountId: account, permissionSetArn: viewOnly, principalType: "USER", principalId: riley };
    const sim_ = (method: string) => fetch(`${sim.url}/_sim/assignments`, { method, headers: { "content-type": "application/json" }, body: JSON.stringify(assignment) });
    expect((await sim_("POST")).ok).toBe(true);
    standing = standingAccess(sim);
    // riley is a Developers member in the sample organization: standing membership too.
    const ps = await createApprovedGrant(db, fx, { kind: "permissionSet", user: "riley", accountId: account, permissionSet: "ViewOnlyAccess" }, approve, { expiresInMs: 60_000 });
    const group = await createApprovedGrant(db, fx, { kind: "group", user: "riley", group: "Developers" }, approve, { expiresInMs: 60_000 });
    await tickUntil(db, opts, async () => (await grant(ps.id)).state === "ACTIVE" && (await grant(group.id)).state === "ACTIVE");
    expect((await grant(ps.id)).preExisting).toBe(true);
    expect((await grant(group.id)).preExisting).toBe(true);

    // One negative read: both vanish just while the reconciler looks, then are back.
    const developers = simGroupId("Developers");
    const membership = (sim.snapshot().memberships as { groupId: string; userId: string; membershipId: string }[]).find((m) => m.groupId === developers && m.userId === riley)!;
    expect((await sim_("DELETE")).ok).toBe(true);
    await simClients(sim).ids.send(new DeleteGroupMembershipCommand({ IdentityStoreId: SAMPLE_ORG.identityStoreId, MembershipId: membership.membershipId }));
    const run = await reconcileIntegration(db, fx.integration.id);
    expect(run.findings).toEqual(expect.arrayContaining([expect.objectContaining({ kind: "MISSING_ASSIGNMENT", grantId: ps.id }), expect.objectContaining({ kind: "MISSING_MEMBERSHIP", grantId: group.id })]));
    expect(await grant(ps.id)).toMatchObject({ state: "PROVISIONING", step: "CHECK_EXISTING", preExisting: true });
    expect(await grant(group.id)).toMatchObject({ state: "PROVISIONING", step: "CHECK_MEMBERSHIP", preExisting: true });
    expect((await sim_("POST")).ok).toBe(true);
    const back = await fetch(`${sim.url}/_sim/memberships`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ groupId: developers, userId: riley }) });
    expect(back.ok).toBe(true);
    standing = standingAccess(sim);

    await tickUntil(db, opts, async () => (await grant(ps.id)).state === "ACTIVE" && (await grant(group.id)).state === "ACTIVE");
    expect((await grant(ps.id)).preExisting, "the check step found it again: still standing access").toBe(true);
    expect((await grant(group.id)).preExisting).toBe(true);
    await expireNow(ps.id);
    await expireNow(group.id);
    await tickUntil(db, opts, async () => (await grant(ps.id)).state === "EXPIRED" && (await grant(group.id)).state === "EXPIRED");
    expect(missingStanding(sim, standing), "standing access survives the grants' expiry").toEqual([]);
    expect(awsView(sim).hasAssignment(account, viewOnly, riley)).toBe(true);
    expect(awsView(sim).hasMembership(developers, riley)).toBe(true);
  });
});

describe("a removal that keeps failing", () => {
  it("alerts the admins once when access is still in place 5 minutes past expiry, with the last error and a link to the grant", async () => {
    const admin = await db.user.create({ data: { email: "ops-admin@example.com", name: "Ops Admin", isAdmin: true } });
    const g = await createApprovedGrant(db, fx, { kind: "permissionSet", user: "riley", accountId: SAMPLE_ORG.accounts.sandbox, permissionSet: "ReadOnlyAccess" }, approve, { expiresInMs: 60_000 });
    await tickUntil(db, opts, async () => (await grant(g.id)).state === "ACTIVE");
    // The portal lost its permission to remove assignments.
    sim.setFaults({ faults: { "sso-admin.DeleteAccountAssignment": { errorRate: 1, errorKind: "access_denied" } } });
    const alerts = () => db.notification.findMany({ where: { userId: admin.id, kind: "grant.removal_overdue_admin" } });
    const overdueEvents = () => db.auditEvent.count({ where: { action: "grant.removal_overdue", subjectId: g.id } });

    // Expired a minute ago: failing, but not yet overdue.
    await db.grant.update({ where: { id: g.id }, data: { expiresAt: new Date(Date.now() - 60_000), nextRunAt: new Date() } });
    await tickUntil(db, { ...opts, maxInlineWaitMs: 100 }, async () => (await grant(g.id)).attempts >= 2);
    expect(await alerts()).toEqual([]);

    // Six minutes past its expiry and still failing: one alert, however many more retries fail.
    await db.grant.update({ where: { id: g.id }, data: { expiresAt: new Date(Date.now() - 6 * 60_000), nextRunAt: new Date() } });
    for (let i = 0; i < 4; i++) {
      await db.grant.update({ where: { id: g.id }, data: { nextRunAt: new Date() } });
      await runWorkerTick(db, { ...opts, maxInlineWaitMs: 100 });
    }
    const sent = await alerts();
    expect(sent).toHaveLength(1);
    expect(await overdueEvents()).toBe(1);
    expect((await grant(g.id)).lastError).toMatch(/^AccessDeniedException: .*DeleteAccountAssignment/);
    expect(sent[0]!.title).toMatch(/still in place past its expiry/);
    expect(sent[0]!.body).toMatch(/still in place 6 minutes after it expired/);
    expect(sent[0]!.body).toMatch(/Last error: AccessDeniedException: .*DeleteAccountAssignment/);
    expect(sent[0]!.link).toBe(`/admin/grants#grant-${g.id}`);
    // Admins only: the holder is not sent raw AWS errors.
    expect(await db.notification.count({ where: { userId: g.userId, kind: { contains: "overdue" } } })).toBe(0);

    // Permissions back: removal completes and no further alert goes out.
    sim.setFaults({ faults: {}, replace: true });
    await db.grant.update({ where: { id: g.id }, data: { nextRunAt: new Date() } });
    await tickUntil(db, opts, async () => (await grant(g.id)).state === "EXPIRED");
    expect(await alerts()).toHaveLength(1);
    expect(await overdueEvents()).toBe(1);
  });

  it("does not alert for a removal that is late but has not failed (a worker that was down)", async () => {
    await db.user.create({ data: { email: "ops-admin2@example.com", isAdmin: true } });
    const g = await createApprovedGrant(db, fx, { kind: "permissionSet", user: "riley", accountId: SAMPLE_ORG.accounts.sandbox, permissionSet: "ReadOnlyAccess" }, approve, { expiresInMs: 60_000 });
    await tickUntil(db, opts, async () => (await grant(g.id)).state === "ACTIVE");
    await db.grant.update({ where: { id: g.id }, data: { expiresAt: new Date(Date.now() - 10 * 60_000), nextRunAt: new Date() } });
    await tickUntil(db, opts, async () => (await grant(g.id)).state === "EXPIRED");
    expect(await db.notification.count({ where: { kind: "grant.removal_overdue_admin" } })).toBe(0);
  });
});
