import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createTestDatabase } from "../db/test-database.ts";
import type { TDatabase } from "../db/open-database.ts";
import { decideAccessRequest } from "../access/decide-access-request.ts";
import { expirePendingRequests } from "../access/expire-pending-requests.ts";
import { finalizeApproval } from "../access/finalize-approval.ts";
import { seedApprovalFixture, type TFixture } from "../access/approval-fixtures.test-helper.ts";
import { listNotifications } from "./list-notifications.ts";
import { markNotificationsRead } from "./mark-notifications-read.ts";
import type { TNotificationChannels } from "./notification-channels.ts";
import { notifyGrantEvent } from "./notify-grant-event.ts";
import { notifyRequestSubmitted } from "./notify-request-submitted.ts";
import { remindExpiringGrants } from "./remind-expiring-grants.ts";
import { startTestSmtp, type TTestMail, type TTestSmtp } from "./start-test-smtp.test-helper.ts";

let database: TDatabase;
let f: TFixture;
let smtp: TTestSmtp;
let slack: Server;
let channels: TNotificationChannels;
let slackStatus = 200;
let mails: TTestMail[];
const slackPosts: { text: string }[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
  f = await seedApprovalFixture(database.prisma);
  smtp = await startTestSmtp();
  mails = smtp.mails;
  slack = createServer((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => (body += c.toString()));
    req.on("end", () => {
      if (req.headers["content-type"] === "application/json") slackPosts.push(JSON.parse(body) as { text: string });
      res.statusCode = slackStatus;
      res.end(slackStatus === 200 ? "ok" : "no");
    });
  });
  await new Promise<void>((resolve) => slack.listen(0, "127.0.0.1", resolve));
  const slackPort = (slack.address() as AddressInfo).port;
  channels = {
    smtpUrl: smtp.url,
    smtpFrom: "JIT Access Portal <jit@example.com>",
    slackWebhookUrl: `http://127.0.0.1:${slackPort}/hook`,
    baseUrl: "https://access.example.com",
  };
});
afterAll(async () => {
  await smtp?.close();
  await new Promise<void>((resolve) => slack?.close(() => resolve()));
  await database?.close();
});
beforeEach(() => {
  mails.length = 0;
  slackPosts.length = 0;
  slackStatus = 200;
});

const unreadKinds = async (userId: string) => (await listNotifications(database.prisma, userId)).items.filter((n) => !n.readAt).map((n) => n.kind);

describe("notifications", () => {
  it("a new request reaches the current step's approvers (in-app, email, Slack) and not the requester", async () => {
    const request = await f.createRequest({ steps: [f.leadsStep] });
    const report = await notifyRequestSubmitted(database.prisma, request.id, { channels });
    expect(report).toEqual({ emailsSent: 1, emailsFailed: 0, slackPosted: 1, slackFailed: 0 });
    expect(await unreadKinds(f.avery.user.id)).toContain("request.awaiting_decision");
    expect(await unreadKinds(f.riley.user.id)).not.toContain("request.awaiting_decision");
    expect(await unreadKinds(f.sam.user.id)).toEqual([]);
    expect(mails).toHaveLength(1);
    expect(mails[0]!.to).toEqual(["avery@example.com"]);
    expect(mails[0]!.from).toBe("jit@example.com");
    expect(mails[0]!.raw).toContain("Riley Park requests read access to prod-platform-logs");
    expect(mails[0]!.raw).toContain("https://access.example.com/approvals");
    expect(slackPosts[0]!.text).toContain("prod-platform-logs");
    expect(slackPosts[0]!.text).toContain("<https://access.example.com/approvals|Open in the portal>");
  });

  it("a disabled portal account gets no approval email (nor the justification in it)", async () => {
    const request = await f.createRequest({ steps: [f.leadsStep] });
    await database.prisma.user.update({ where: { id: f.avery.user.id }, data: { disabled: true } });
    try {
      const report = await notifyRequestSubmitted(database.prisma, request.id, { channels });
      expect(report?.emailsSent).toBe(0);
      expect(mails).toHaveLength(0);
    } finally {
      await database.prisma.user.update({ where: { id: f.avery.user.id }, data: { disabled: false } });
    }
  });

  it("Slack posts escape what the requester wrote: no channel pings or disguised links", async () => {
    const request = await f.createRequest({ steps: [f.leadsStep] });
    await database.prisma.accessRequest.update({ where: { id: request.id }, data: { justification: "<!channel> urgent <https://evil.example/approve|Open in the portal> & more" } });
    await notifyRequestSubmitted(database.prisma, request.id, { channels });
    const text = slackPosts[0]!.text;
    expect(text).toContain("&lt;!channel&gt; urgent &lt;https://evil.example/approve|Open in the portal&gt; &amp; more");
    expect(text).not.toContain("<!channel>");
    expect(text).not.toContain("<https://evil");
    expect(text).toContain("<https://access.example.com/approvals|Open in the portal>");
  });

  it("each decision reaches the requester; reaching a step reaches that step's approvers", async () => {
    const request = await f.createRequest({ steps: [f.leadsStep, f.securityStep] });
    await decideAccessRequest(database.prisma, f.avery.actor, { requestId: request.id, step: 0, decision: "APPROVE", comment: "fine" }, { channels });
    const recipients = mails.map((m) => m.to.join(","));
    expect(recipients[0]).toBe("riley@example.com");
    expect(recipients.slice(1).sort()).toEqual(["adrian@example.com", "sam@example.com"]);
    expect(await unreadKinds(f.sam.user.id)).toContain("request.awaiting_decision");
    mails.length = 0;
    await decideAccessRequest(database.prisma, f.sam.actor, { requestId: request.id, step: 1, decision: "DENY", comment: "Not during the freeze" }, { channels });
    expect(mails).toHaveLength(1);
    expect(mails[0]!.to).toEqual(["riley@example.com"]);
    expect(mails[0]!.raw).toContain("Not during the freeze");
    const denied = slackPosts.find((p) => p.text.includes("Denied: prod-platform-logs"));
    // The channel is not the requester: it learns whose request it was, never the approver's comment.
    expect(denied?.text).toContain("Sam Ortiz denied Riley Park's request for read access to prod-platform-logs");
    expect(denied?.text, "the requester's own page means nothing to the channel").not.toContain("Open in the portal");
    expect(slackPosts.map((p) => p.text).join("\n")).not.toContain("freeze");
    expect(slackPosts.map((p) => p.text).join("\n")).not.toMatch(/your request/i);
  });

  it("grant events reach the holder", async () => {
    const request = await f.createRequest({ steps: [f.leadsStep] });
    const grant = await database.prisma.$transaction((tx) => finalizeApproval(tx, request.id, "system"));
    await database.prisma.grant.update({ where: { id: grant.id }, data: { revokeReason: "Leaked credentials in ticket SEC-9" } });
    for (const event of ["ACTIVE", "FAILED", "REVOKED", "EXPIRED"] as const) {
      const report = await notifyGrantEvent(database.prisma, grant.id, event, { channels });
      expect(report?.emailsSent, event).toBe(event === "FAILED" ? 2 : 1);
    }
    // A failure also alerts the admins (Adrian), in the app and by email, pointing at the retry.
    const adminMail = mails.splice(2, 1)[0]!;
    expect(adminMail.to).toEqual(["adrian@example.com"]);
    expect(adminMail.raw).toContain("Grant failed: prod-platform-logs");
    expect(await unreadKinds(f.adrian.user.id)).toContain("grant.failed_admin");
    expect(mails.map((m) => m.to.join())).toEqual(Array(4).fill("riley@example.com"));
    expect(mails[0]!.raw).toMatch(/Active: prod-platform-logs/);
    expect(slackPosts.map((p) => p.text.split("\n")[0])).toEqual(["*Could not set up: prod-platform-logs*", "*Revoked: prod-platform-logs*"]);
    expect(slackPosts[1]!.text).toContain("Riley Park's read access to prod-platform-logs");
    expect(mails[2]!.raw).toContain("Leaked credentials");
    expect(slackPosts.map((p) => p.text).join("\n"), "the revoke reason is the holder's to read").not.toContain("Leaked");
    const kinds = await unreadKinds(f.riley.user.id);
    expect(kinds).toEqual(expect.arrayContaining(["grant.active", "grant.failed", "grant.revoked", "grant.expired"]));
    expect(await notifyGrantEvent(database.prisma, "no-such-grant", "ACTIVE", { channels })).toEqual({ emailsSent: 0, emailsFailed: 0, slackPosted: 0, slackFailed: 0 });
  });

  it("reminds the holder once before their access ends, again after an extension moved the end, never for short grants", async () => {
    const db = database.prisma;
    const now = new Date();
    const activeUntil = async (minutesLeft: number, activeForMinutes: number) => {
      const request = await f.createRequest({ steps: [f.leadsStep] });
      const grant = await db.$transaction((tx) => finalizeApproval(tx, request.id, "system"));
      return db.grant.update({
        where: { id: grant.id },
        data: { state: "ACTIVE", startsAt: new Date(now.getTime() - activeForMinutes * 60_000), activatedAt: now, expiresAt: new Date(now.getTime() + minutesLeft * 60_000) },
      });
    };
    await db.grant.updateMany({ where: { state: { in: ["APPROVED", "PROVISIONING", "ACTIVE"] } }, data: { state: "EXPIRED" } });
    const endsSoon = await activeUntil(10, 50);
    await activeUntil(40, 20); // not yet in the last 15 minutes
    await activeUntil(10, 3); // a 13-minute grant: it would hear at once
    expect(await remindExpiringGrants(db, now, { channels })).toBe(1);
    expect(mails).toHaveLength(1);
    const raw = mails[0]!.raw.replace(/=\r?\n/g, "");
    expect(raw).toContain("Ends soon: prod-platform-logs");
    expect(raw).toMatch(/ends at \d{4}-\d\d-\d\d \d\d:\d\d UTC, in 10 minutes/);
    expect(raw).toContain("Use Extend on My requests");
    expect(await unreadKinds(f.riley.user.id)).toContain("grant.expiring");
    expect(slackPosts).toEqual([]);
    // Once per expiry: the next tick says nothing.
    expect(await remindExpiringGrants(db, now, { channels })).toBe(0);
    // An approved extension moved the end: when the new end comes near, a new reminder.
    await db.grant.update({ where: { id: endsSoon.id }, data: { expiresAt: new Date(now.getTime() + 70 * 60_000) } });
    expect(await remindExpiringGrants(db, now, { channels })).toBe(0);
    // Later ticks: the 40-minute one's turn comes, then the extended one's.
    expect(await remindExpiringGrants(db, new Date(now.getTime() + 30 * 60_000), { channels })).toBe(1);
    expect(await remindExpiringGrants(db, new Date(now.getTime() + 60 * 60_000), { channels })).toBe(1);
    expect(mails).toHaveLength(3);
    // Riley holds none of this any more: the tests after this one approve the same target again.
    await db.grant.updateMany({ where: { state: "ACTIVE" }, data: { state: "EXPIRED" } });
  });

  it("a reminder past the tick's deadline waits, unclaimed, for the next tick", async () => {
    const db = database.prisma;
    const now = new Date();
    await db.grant.updateMany({ where: { state: { in: ["APPROVED", "PROVISIONING", "ACTIVE"] } }, data: { state: "EXPIRED" } });
    const request = await f.createRequest({ steps: [f.leadsStep] });
    const grant = await db.$transaction((tx) => finalizeApproval(tx, request.id, "system"));
    await db.grant.update({ where: { id: grant.id }, data: { state: "ACTIVE", startsAt: new Date(now.getTime() - 60 * 60_000), activatedAt: now, expiresAt: new Date(now.getTime() + 5 * 60_000) } });
    expect(await remindExpiringGrants(db, now, { channels, deadline: Date.now() - 1 })).toBe(0);
    expect((await db.grant.findUniqueOrThrow({ where: { id: grant.id } })).expiryReminderFor).toBeNull();
    expect(await remindExpiringGrants(db, now, { channels, deadline: Date.now() + 60_000 })).toBe(1);
    await db.grant.updateMany({ where: { state: "ACTIVE" }, data: { state: "EXPIRED" } });
  });

  it("access still in place past its expiry alerts the admins only, with the last error and a link to the grant", async () => {
    const request = await f.createRequest({ steps: [f.leadsStep] });
    const grant = await database.prisma.$transaction((tx) => finalizeApproval(tx, request.id, "system"));
    await database.prisma.grant.update({
      where: { id: grant.id },
      data: { state: "REVOKING", step: "UNASSIGN", expiresAt: new Date(Date.now() - 7 * 60_000), lastError: "AccessDeniedException: not authorized to perform sso:DeleteAccountAssignment" },
    });
    const report = await notifyGrantEvent(database.prisma, grant.id, "REMOVAL_OVERDUE", { channels });
    expect(report).toEqual({ emailsSent: 1, emailsFailed: 0, slackPosted: 0, slackFailed: 0 });
    expect(mails).toHaveLength(1);
    expect(mails[0]!.to).toEqual(["adrian@example.com"]);
    const raw = mails[0]!.raw.replace(/=\r?\n/g, "");
    expect(raw).toContain("Access still in place past its expiry: prod-platform-logs");
    expect(raw).toContain("Riley Park's read access to prod-platform-logs");
    expect(raw).toMatch(/still in place 7 minutes after it expired/);
    expect(raw).toContain("Last error: AccessDeniedException: not authorized to perform sso:DeleteAccountAssignment");
    expect(raw).toContain(`https://access.example.com/admin/grants#grant-${grant.id}`);
    expect(await unreadKinds(f.adrian.user.id)).toContain("grant.removal_overdue_admin");
    expect(await unreadKinds(f.riley.user.id)).not.toContain("grant.removal_overdue_admin");
    expect(slackPosts).toEqual([]);
  });

  it("deferred delivery: the in-app row commits before the call returns, email and Slack follow", async () => {
    const request = await f.createRequest({ steps: [f.leadsStep] });
    const grant = await database.prisma.$transaction((tx) => finalizeApproval(tx, request.id, "system"));
    const deferred: (() => Promise<unknown>)[] = [];
    expect(await notifyGrantEvent(database.prisma, grant.id, "ACTIVE", { channels, defer: (task) => deferred.push(task) })).toBeNull();
    expect(await unreadKinds(f.riley.user.id)).toContain("grant.active");
    expect(mails).toHaveLength(0);
    expect(deferred).toHaveLength(1);
    await deferred[0]!();
    expect(mails.map((m) => m.to.join())).toEqual(["riley@example.com"]);
  });

  it("a dead mail server or webhook never undoes or hides the state change", async () => {
    const dead: TNotificationChannels = { ...channels, smtpUrl: "smtp://127.0.0.1:1", slackWebhookUrl: channels.slackWebhookUrl };
    slackStatus = 500;
    const request = await f.createRequest({ steps: [f.leadsStep] });
    const result = await decideAccessRequest(database.prisma, f.avery.actor, { requestId: request.id, step: 0, decision: "APPROVE" }, { channels: dead });
    expect(result.outcome).toBe("APPROVED");
    expect((await database.prisma.accessRequest.findUniqueOrThrow({ where: { id: request.id } })).status).toBe("APPROVED");
    expect(await unreadKinds(f.riley.user.id)).toContain("request.approved");
    const report = await notifyRequestSubmitted(database.prisma, (await f.createRequest({ steps: [f.leadsStep] })).id, { channels: dead });
    expect(report).toEqual({ emailsSent: 0, emailsFailed: 1, slackPosted: 0, slackFailed: 1 });
  });

  it("a timed-out request tells its requester", async () => {
    const request = await f.createRequest({ steps: [f.leadsStep], pendingExpiresAt: new Date(Date.now() - 60_000) });
    const { timedOut } = await expirePendingRequests(database.prisma, new Date(), { channels });
    expect(timedOut).toBeGreaterThanOrEqual(1);
    expect((await database.prisma.accessRequest.findUniqueOrThrow({ where: { id: request.id } })).status).toBe("TIMED_OUT");
    expect(mails.some((m) => m.to.includes("riley@example.com") && m.raw.includes("Timed out: prod-platform-logs"))).toBe(true);
  });

  it("a user lists and marks only their own notifications", async () => {
    const mine = await listNotifications(database.prisma, f.riley.user.id);
    const averys = await listNotifications(database.prisma, f.avery.user.id);
    expect(mine.items.length).toBeGreaterThan(0);
    expect(averys.items.every((n) => !mine.items.some((m) => m.id === n.id))).toBe(true);
    // Avery cannot mark Riley's notifications read, by id or with "all".
    const target = mine.items.find((n) => !n.readAt)!;
    expect(await markNotificationsRead(database.prisma, f.avery.user.id, { ids: [target.id] })).toEqual({ marked: 0 });
    await markNotificationsRead(database.prisma, f.avery.user.id, { all: true });
    expect((await database.prisma.notification.findUniqueOrThrow({ where: { id: target.id } })).readAt).toBeNull();
    expect(await markNotificationsRead(database.prisma, f.riley.user.id, { ids: [target.id] })).toEqual({ marked: 1 });
    expect((await listNotifications(database.prisma, f.riley.user.id)).unread).toBe(mine.unread - 1);

    // "Mark all read" covers what the user was shown: one that arrived after the newest shown stays unread.
    const shown = await listNotifications(database.prisma, f.riley.user.id);
    const newest = shown.items[0]!;
    const late = await database.prisma.notification.create({
      data: { userId: f.riley.user.id, kind: "request.approved", title: "Arrived after the list was shown", body: "", createdAt: new Date(Date.parse(newest.createdAt) + 1_000) },
    });
    await markNotificationsRead(database.prisma, f.riley.user.id, { all: true, upTo: newest.createdAt });
    expect((await database.prisma.notification.findUniqueOrThrow({ where: { id: late.id } })).readAt).toBeNull();
    expect((await listNotifications(database.prisma, f.riley.user.id)).unread).toBe(1);
  });
});
