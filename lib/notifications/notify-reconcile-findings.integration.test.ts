import { CreatePermissionSetCommand } from "@aws-sdk/client-sso-admin";
import type { AddressInfo } from "node:net";
import { SMTPServer } from "smtp-server";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { SAMPLE_ORG, type AwsSimulator } from "../aws-sim/index.ts";
import { simClients } from "../aws-sim/test-clients.ts";
import type { TDatabase } from "../db/open-database.ts";
import type { TDb } from "../db/client.ts";
import { finalizeApproval } from "../access/finalize-approval.ts";
import { reconcileIntegration } from "../provisioning/reconcile-integration.ts";
import { workerOptions } from "../provisioning/worker-options.ts";
import { createApprovedGrant, seedFixture, tickUntil, type TFixture, openWorkerTestbed, resetWorkerTestbed } from "../provisioning/provisioning-test-kit.ts";
import type { TNotificationChannels } from "./notification-channels.ts";
import { notifyReconcileFindings } from "./notify-reconcile-findings.ts";

// Reconcile findings reach the admins: once per new finding, one alert per run, nothing for what it fixed.
let sim: AwsSimulator;
let database: TDatabase;
let db: TDb;
let fx: TFixture;
let smtp: SMTPServer;
let channels: TNotificationChannels;
const mails: { to: string[]; raw: string }[] = [];

const approve = (requestId: string) => db.$transaction((tx) => finalizeApproval(tx, requestId, "system"));
const opts = workerOptions({ workerId: "reconcile-alerts", firstPollMs: 30, pollIntervalMs: 30, backoffBaseMs: 40, backoffMaxMs: 300, maxInlineWaitMs: 1_000 });
const managed = { Key: "managed-by", Value: "jit-access-portal" };

beforeAll(async () => {
  ({ sim, database, db } = await openWorkerTestbed());
  smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS", "AUTH"],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", () => {
        mails.push({ to: session.envelope.rcptTo.map((r) => r.address), raw: Buffer.concat(chunks).toString("utf8").replace(/=\r?\n/g, "") });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, "127.0.0.1", resolve));
  channels = { smtpUrl: `smtp://127.0.0.1:${(smtp.server.address() as AddressInfo).port}`, smtpFrom: "jit@example.com", slackWebhookUrl: null, baseUrl: "https://access.example.com" };
});

afterAll(async () => {
  await new Promise<void>((resolve) => smtp?.close(() => resolve()));
  await database?.close();
  await sim?.close();
});

beforeEach(async () => {
  mails.length = 0;
  await resetWorkerTestbed(sim, db);
  fx = await seedFixture(db, sim);
});

/** An existing-permission-set grant that was set up, then ended in the database while its assignment stayed in AWS. */
async function leftover(accountId: string, permissionSet: string) {
  const g = await createApprovedGrant(db, fx, { kind: "permissionSet", user: "riley", accountId, permissionSet }, approve, { expiresInMs: 120_000 });
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
});
