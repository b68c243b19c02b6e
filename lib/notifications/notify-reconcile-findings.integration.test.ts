import { CreatePermissionSetCommand } from "@aws-sdk/client-sso-admin";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SAMPLE_ORG, type AwsSimulator } from "../aws-sim/index.ts";
import { simClients } from "../aws-sim/test-clients.ts";
import type { TDb } from "../db/client.ts";
import { finalizeApproval } from "../access/finalize-approval.ts";
import { reconcileIntegration, runDueReconciles } from "../provisioning/reconcile-integration.ts";
import { runReconcileNow } from "../provisioning/run-reconcile-now.ts";
import { workerOptions } from "../provisioning/worker-options.ts";
import { createApprovedGrant, seedFixture, tickUntil, type TFixture } from "../provisioning/provisioning-test-kit.ts";
import { useWorkerTestbed } from "../provisioning/use-worker-testbed.test-helper.ts";
import type { TNotificationChannels } from "./notification-channels.ts";
import { notifyReconcileFindings } from "./notify-reconcile-findings.ts";
import { startTestSmtp, type TTestMail, type TTestSmtp } from "./start-test-smtp.test-helper.ts";

// Reconcile findings reach the admins: once per new finding, one alert per run, nothing for what it fixed.
let sim: AwsSimulator;
let db: TDb;
let fx: TFixture;
let smtp: TTestSmtp;
let channels: TNotificationChannels;
let mails: TTestMail[];

const approve = (requestId: string) => db.$transaction((tx) => finalizeApproval(tx, requestId, "system"));
const opts = workerOptions({ workerId: "reconcile-alerts", firstPollMs: 30, pollIntervalMs: 30, backoffBaseMs: 40, backoffMaxMs: 300, maxInlineWaitMs: 1_000 });
const managed = { Key: "managed-by", Value: "jit-access-portal" };

beforeAll(async () => {
  smtp = await startTestSmtp();
  mails = smtp.mails;
  channels = { smtpUrl: smtp.url, smtpFrom: "jit@example.com", slackWebhookUrl: null, baseUrl: "https://access.example.com" };
});

afterAll(async () => {
  await smtp?.close();
});

useWorkerTestbed((t) => {
  mails.length = 0;
  ({ sim, db, fx } = t);
});

/** An existing-permission-set grant that was set up, then ended in the database while its assignment stayed in AWS. */
async function leftover(accountId: string, permissionSet: string, on: TFixture = fx) {
  const g = await createApprovedGrant(db, on, { kind: "permissionSet", user: "riley", accountId, permissionSet }, approve, { expiresInMs: 120_000 });
  await tickUntil(db, opts, async () => (await db.grant.findUniqueOrThrow({ where: { id: g.id } })).state === "ACTIVE");
  await db.grant.update({ where: { id: g.id }, data: { state: "EXPIRED", step: null, endedAt: new Date() } });
  return g;
}

describe("reconcile findings alert the admins", () => {
  it("once per new finding, one alert per run, nothing for orphans it removed", async () => {
    const admin = await db.user.upsert({ where: { email: "recon-admin@example.com" }, update: {}, create: { email: "recon-admin@example.com", name: "Recon Admin", isAdmin: true } });
    await leftover(SAMPLE_ORG.accounts.sandbox, "ReadOnlyAccess");
    const { sso } = simClients(sim);
    // Ours, for a grant this database no longer has: removed (fixed, no alert).
    await sso.send(new CreatePermissionSetCommand({ InstanceArn: SAMPLE_ORG.instanceArn, Name: "jit-orphanorphanorphanorphanorph", Tags: [managed, { Key: "integration-id", Value: fx.integration.id }, { Key: "grant-id", Value: "gone" }] }));
    // Looks like ours, made by another installation: reported every run, never removed.
    await sso.send(new CreatePermissionSetCommand({ InstanceArn: SAMPLE_ORG.instanceArn, Name: "jit-otherinstallationotherinsta", Tags: [managed, { Key: "integration-id", Value: "other-installation" }, { Key: "grant-id", Value: "theirs" }] }));
    const alerts = () => db.notification.findMany({ where: { userId: admin.id, kind: "reconcile.findings_admin" }, orderBy: { createdAt: "asc" } });

    const first = await reconcileIntegration(db, fx.integration.id);
    expect((first.findings as { kind: string; action: string }[]).map((f) => `${f.kind}/${f.action}`).sort()).toEqual([
      "LEFTOVER_ASSIGNMENT/REPORTED",
      "ORPHAN_TEMP_PERMISSION_SET/REMOVED",
      "ORPHAN_TEMP_PERMISSION_SET/REPORTED",
    ]);
    expect(await notifyReconcileFindings(db, first.id, { channels })).toMatchObject({ emailsSent: 1, emailsFailed: 0 });
    const sent = await alerts();
    expect(sent).toHaveLength(1);
    expect(sent[0]!.title).toBe(`Reconcile found 2 new issues in ${fx.integration.name}`);
    expect(sent[0]!.body).toContain(`Leftover assignment (grant ended, access still in AWS, not removed automatically): account ${SAMPLE_ORG.accounts.sandbox}, permission set ReadOnlyAccess, user `);
    expect(sent[0]!.body).toContain("jit-otherinstallationotherinsta: looks like a portal set but was not made by this portal");
    expect(sent[0]!.body).not.toContain("jit-orphanorphanorphanorphanorph");
    expect(sent[0]!.link).toBe("/admin/grants");
    expect(mails).toHaveLength(1);
    expect(mails[0]!.to).toEqual(["recon-admin@example.com"]);
    expect(mails[0]!.raw).toContain("https://access.example.com/admin/grants");
    // Requesters hear nothing of it.
    expect(await db.notification.count({ where: { kind: "reconcile.findings_admin", userId: { not: admin.id } } })).toBe(0);

    // The next scheduled runs report the same leftover and the same foreign set: no new alert.
    for (let i = 0; i < 2; i++) {
      const again = await reconcileIntegration(db, fx.integration.id);
      expect((again.findings as unknown[]).length).toBe(2);
      await notifyReconcileFindings(db, again.id, { channels });
    }
    expect(await alerts()).toHaveLength(1);
    expect(mails).toHaveLength(1);

    // A new leftover: one alert listing only it.
    await leftover(SAMPLE_ORG.accounts.sandbox, "ViewOnlyAccess");
    const third = await reconcileIntegration(db, fx.integration.id);
    expect((third.findings as unknown[]).length).toBe(3);
    await notifyReconcileFindings(db, third.id, { channels });
    const now = await alerts();
    expect(now).toHaveLength(2);
    expect(now[1]!.title).toBe(`Reconcile found 1 new issue in ${fx.integration.name}`);
    expect(now[1]!.body).toMatch(/permission set ViewOnlyAccess/);
    expect(now[1]!.body).not.toMatch(/ReadOnlyAccess|jit-otherinstallation/);
    expect(await db.auditEvent.count({ where: { action: "reconcile.findings_alerted", integrationId: fx.integration.id } })).toBe(2);
  });

  it("a run whose only finding is a fixed orphan alerts nobody", async () => {
    const admin = await db.user.upsert({ where: { email: "recon-admin@example.com" }, update: {}, create: { email: "recon-admin@example.com", isAdmin: true } });
    const { sso } = simClients(sim);
    await sso.send(new CreatePermissionSetCommand({ InstanceArn: SAMPLE_ORG.instanceArn, Name: "jit-fixedfixedfixedfixedfixedfix", Tags: [managed, { Key: "integration-id", Value: fx.integration.id }, { Key: "grant-id", Value: "gone" }] }));
    const run = await reconcileIntegration(db, fx.integration.id);
    expect(run.findings).toEqual([expect.objectContaining({ kind: "ORPHAN_TEMP_PERMISSION_SET", action: "REMOVED" })]);
    await notifyReconcileFindings(db, run.id, { channels });
    expect(await db.notification.count({ where: { userId: admin.id, kind: "reconcile.findings_admin" } })).toBe(0);
    expect(mails).toHaveLength(0);
  });

  it("a scheduled tick alerts each run's findings when it finishes: a later run that throws does not lose them", async () => {
    const admin = await db.user.upsert({ where: { email: "recon-admin@example.com" }, update: {}, create: { email: "recon-admin@example.com", isAdmin: true } });
    const other = await seedFixture(db, sim);
    await db.integration.updateMany({ where: { id: { notIn: [fx.integration.id, other.integration.id] } }, data: { enabled: false } });
    await leftover(SAMPLE_ORG.accounts.sandbox, "ReadOnlyAccess");
    await leftover(SAMPLE_ORG.accounts.sandbox, "ViewOnlyAccess", other);

    // The first run goes through; the second cannot even read its integration (the database went away).
    const onFinished = (run: { id: string }) => notifyReconcileFindings(db, run.id, { channels });
    await expect(runDueReconciles(failingOnSecondIntegrationRead(db), new Date(), { intervalMs: 60_000, onFinished })).rejects.toThrow(/connection lost/);
    const finished = await db.reconcileRun.findFirstOrThrow({ where: { status: { not: "RUNNING" } }, include: { integration: true } });
    const sent = await db.notification.findMany({ where: { userId: admin.id, kind: "reconcile.findings_admin" } });
    expect(sent.map((n) => n.title)).toEqual([`Reconcile found 1 new issue in ${finished.integration.name}`]);
    expect(mails).toHaveLength(1);
  });

  it("Reconcile now hands the email to `defer` (the action passes after()), so the admin does not wait on SMTP", async () => {
    const admin = await db.user.upsert({ where: { email: "recon-admin@example.com" }, update: {}, create: { email: "recon-admin@example.com", isAdmin: true } });
    await db.integration.updateMany({ where: { id: { not: fx.integration.id } }, data: { enabled: false } });
    await leftover(SAMPLE_ORG.accounts.sandbox, "ReadOnlyAccess");
    const deferred: (() => Promise<unknown>)[] = [];

    const summary = await runReconcileNow(db, { id: admin.id, email: admin.email }, { channels, defer: (task) => deferred.push(task) });
    expect(summary).toEqual([expect.objectContaining({ integration: fx.integration.name, findings: 1 })]);
    expect(await db.notification.count({ where: { userId: admin.id, kind: "reconcile.findings_admin" } })).toBe(1);
    expect(mails).toHaveLength(0);
    expect(deferred).toHaveLength(1);
    await deferred[0]!();
    expect(mails).toHaveLength(1);
    expect(mails[0]!.to).toEqual(["recon-admin@example.com"]);
  });
});

/** `db`, except that the second integration read (the second reconcile run starting) throws. */
function failingOnSecondIntegrationRead(client: TDb): TDb {
  let reads = 0;
  const integration = new Proxy(client.integration, {
    get(delegate, op) {
      if (op !== "findUniqueOrThrow") return Reflect.get(delegate, op) as unknown;
      return async (args: Parameters<typeof delegate.findUniqueOrThrow>[0]) => {
        reads += 1;
        if (reads === 2) throw new Error("connection lost");
        return delegate.findUniqueOrThrow(args);
      };
    },
  });
  return new Proxy(client, {
    get(target, prop) {
      if (prop === "integration") return integration;
      const value = Reflect.get(target, prop) as unknown;
      return typeof value === "function" ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}
