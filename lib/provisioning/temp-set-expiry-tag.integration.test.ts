import { describe, expect, it } from "vitest";
import type { AwsSimulator } from "../aws-sim/index.ts";
import type { TDb } from "../db/client.ts";
import { finalizeApproval } from "../access/finalize-approval.ts";
import { forceRevokeGrant } from "./force-revoke-grant.ts";
import { reconcileIntegration } from "./reconcile-integration.ts";
import { runWorkerTick } from "./run-worker-tick.ts";
import { workerOptions, type TWorkerOptions } from "./worker-options.ts";
import { FAST_WORKER_TIMINGS, awsView, createApprovedGrant, tickUntil, type TFixture } from "./provisioning-test-kit.ts";
import { useWorkerTestbed } from "./use-worker-testbed.test-helper.ts";

// The temporary permission set's expires-at tag follows the grant's expiry: extensions and early revokes.
let sim: AwsSimulator;
let db: TDb;
let fx: TFixture;
let opts: TWorkerOptions;

const approve = (requestId: string) => db.$transaction((tx) => finalizeApproval(tx, requestId, "system"));
const grant = (id: string) => db.grant.findUniqueOrThrow({ where: { id } });
const tagsOf = (arn: string) => Object.fromEntries(awsView(sim).permissionSets.find((p) => p.arn === arn)!.tags.map((t) => [t.Key, t.Value]));

useWorkerTestbed((t) => {
  ({ sim, db, fx } = t);
  opts = workerOptions({ ...FAST_WORKER_TIMINGS, workerId: "tags", revokeBackoffMaxMs: 300, quotaRetryMs: 100, maxInlineWaitMs: 1_000 });
});

/** An extension request for the grant, approved the way the portal approves one. */
async function extend(grantId: string, minutes: number) {
  const r = (await db.grant.findUniqueOrThrow({ where: { id: grantId }, include: { request: true } })).request;
  const extension = await db.accessRequest.create({
    data: { integrationId: r.integrationId, requesterId: r.requesterId, targetType: r.targetType, resourceId: r.resourceId, accountId: r.accountId, accessLevel: r.accessLevel, policyDocument: r.policyDocument, durationMinutes: minutes, justification: "more time", extendsGrantId: grantId },
  });
  await approve(extension.id);
  return grant(grantId);
}

describe("the temporary permission set's expires-at tag", () => {
  it("moves with an extension approved while the grant is active, on the worker's next claim, and reconcile keeps the set", async () => {
    const g = await createApprovedGrant(db, fx, { kind: "bucket", user: "riley" }, approve, { expiresInMs: 120_000 });
    await tickUntil(db, opts, async () => (await grant(g.id)).state === "ACTIVE");
    const active = await grant(g.id);
    const arn = active.permissionSetArn!;
    expect(tagsOf(arn)["expires-at"]).toBe(active.expiresAt.toISOString());

    const extended = await extend(g.id, 60);
    expect(extended.expiresAt.getTime()).toBe(active.expiresAt.getTime() + 60 * 60_000);
    // The extension makes the grant due now: the next tick brings the tag to the new expiry.
    await runWorkerTick(db, opts);
    const after = await grant(g.id);
    expect(after).toMatchObject({ state: "ACTIVE", lastError: null });
    expect(after.nextRunAt.getTime()).toBe(extended.expiresAt.getTime());
    const tags = tagsOf(arn);
    expect(tags["expires-at"]).toBe(extended.expiresAt.toISOString());
    // Only the expiry moved: the tags the reconciler goes by are as they were.
    expect(tags).toMatchObject({ "managed-by": "jit-access-portal", "integration-id": fx.integration.id, "grant-id": g.id, "request-id": g.requestId });
    const run = await reconcileIntegration(db, fx.integration.id);
    expect(run.findings).toEqual([]);
    expect(awsView(sim).permissionSets.some((p) => p.arn === arn)).toBe(true);
    // Nothing more to do: a claim that finds the tag current does not write it again.
    const tagWrites = sim.log().counts["sso-admin.TagResource"] ?? 0;
    await db.grant.update({ where: { id: g.id }, data: { nextRunAt: new Date() } });
    await runWorkerTick(db, opts);
    expect(sim.log().counts["sso-admin.TagResource"] ?? 0).toBe(tagWrites);
  });

  it("moves with an extension approved while the grant was still being set up", async () => {
    // Waiting on a quota after its set was created (tagged with the first expiry).
    sim.setFaults({ faults: { "sso-admin.CreateAccountAssignment": { asyncFailureRate: 1, asyncFailureReason: "Cannot exceed quota for RolesPerAccount: 1000" } } });
    const g = await createApprovedGrant(db, fx, { kind: "bucket", user: "riley" }, approve, { expiresInMs: 120_000 });
    await tickUntil(db, opts, async () => (await grant(g.id)).statusMessage?.startsWith("Waiting for AWS capacity") ?? false);
    const waiting = await grant(g.id);
    expect(waiting.state).toBe("PROVISIONING");
    expect(tagsOf(waiting.permissionSetArn!)["expires-at"]).toBe(waiting.expiresAt.toISOString());
    const extended = await extend(g.id, 30);
    sim.setFaults({ faults: {}, replace: true });
    await db.grant.update({ where: { id: g.id }, data: { nextRunAt: new Date() } });
    await tickUntil(db, opts, async () => {
      const now = await grant(g.id);
      return now.state === "ACTIVE" && now.nextRunAt.getTime() === now.expiresAt.getTime();
    });
    expect(tagsOf(waiting.permissionSetArn!)["expires-at"]).toBe(extended.expiresAt.toISOString());
  });

  it("shows when the access ended after an early revoke whose removal is held up", async () => {
    const g = await createApprovedGrant(db, fx, { kind: "bucket", user: "riley" }, approve, { expiresInMs: 120_000 });
    await tickUntil(db, opts, async () => (await grant(g.id)).state === "ACTIVE");
    const arn = (await grant(g.id)).permissionSetArn!;
    // The portal lost its permission to remove assignments: the set stays while the removal is retried.
    sim.setFaults({ faults: { "sso-admin.DeleteAccountAssignment": { errorRate: 1, errorKind: "access_denied" } } });
    await forceRevokeGrant(db, { id: fx.users.adrian!.id, email: fx.users.adrian!.email }, { grantId: g.id, reason: "incident" });
    await tickUntil(db, { ...opts, maxInlineWaitMs: 100 }, async () => (await grant(g.id)).attempts >= 1);
    const revoking = await grant(g.id);
    expect(revoking.state).toBe("REVOKING");
    expect(tagsOf(arn)["expires-at"]).toBe(revoking.expiresAt.toISOString());

    sim.setFaults({ faults: {}, replace: true });
    await db.grant.update({ where: { id: g.id }, data: { nextRunAt: new Date() } });
    await tickUntil(db, opts, async () => (await grant(g.id)).state === "REVOKED");
    expect(awsView(sim).permissionSets.some((p) => p.arn === arn)).toBe(false);
  });
});
