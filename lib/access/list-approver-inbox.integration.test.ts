import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TDatabase } from "../db/open-database.ts";
import { decideAccessRequest } from "./decide-access-request.ts";
import { listApproverInbox } from "./list-approver-inbox.ts";
import { NO_CHANNELS, openApprovalFixture, type TFixture } from "./approval-fixtures.test-helper.ts";

let database: TDatabase;
let f: TFixture;
const none = NO_CHANNELS;

beforeAll(async () => {
  ({ database, f } = await openApprovalFixture());
});
afterAll(async () => database?.close());

const inboxIds = async (who: { user: { id: string; email: string } }) => (await listApproverInbox(database.prisma, who.user)).items.map((i) => i.id);

describe("listApproverInbox", () => {
  it("shows everything an approver needs to judge the request, with the requester's history", async () => {
    const earlier = await f.createRequest({ steps: [f.leadsStep], status: "DENIED", createdAt: new Date(Date.now() - 3600_000) });
    const request = await f.createRequest({ steps: [f.leadsStep, f.securityStep] });
    const inbox = await listApproverInbox(database.prisma, f.avery.user);
    const item = inbox.items.find((i) => i.id === request.id)!;
    expect(inbox.linked).toBe(true);
    expect(item).toMatchObject({
      requester: { name: "Riley Park", email: "riley@example.com" },
      target: { name: "prod-platform-logs", type: "S3_BUCKET", arn: "arn:aws:s3:::prod-platform-logs", accountId: "222222222222", accountName: "prod-workloads", ouPath: "Root/Workloads/Prod" },
      accessLevel: "read",
      durationMinutes: 60,
      justification: "Investigating the failed nightly export",
      ticket: "OPS-1234",
      step: { index: 0, name: "Platform leads", count: 2, quorum: 1, approvals: 0, approvedBy: [] },
      extendsGrantId: null,
      extendsGrantExpiresAt: null,
      approvalBlocked: null,
    });
    expect(item.policyDocument).toContain('\n  "Statement": [');
    expect(JSON.parse(item.policyDocument!)).toEqual(JSON.parse(request.policyDocument!));
    expect(item.pendingExpiresAt).toBe(request.pendingExpiresAt!.toISOString());
    expect(item.history.map((h) => h.id)).toContain(earlier.id);
    expect(item.history.find((h) => h.id === earlier.id)).toMatchObject({ status: "DENIED", targetName: "prod-platform-logs" });
    expect(item.history.map((h) => h.id)).not.toContain(request.id);
  });

  it("shows a request only to whoever may decide its current step, never to its requester", async () => {
    await database.prisma.accessRequest.updateMany({ data: { status: "CANCELLED" } });
    const rileys = await f.createRequest({ steps: [f.leadsStep, f.securityStep] });
    const averysOwn = await f.createRequest({ by: f.avery, steps: [f.leadsStep] });
    expect(await inboxIds(f.avery)).toEqual([rileys.id]);
    expect(await inboxIds(f.riley)).toEqual([]);
    expect(await inboxIds(f.sam)).toEqual([]);
    expect(await inboxIds(f.adrian)).toEqual([]);
    // Avery's own request, in her own approver group: nobody in the group but her, so nobody sees it.
    expect(await inboxIds(f.avery)).not.toContain(averysOwn.id);

    await decideAccessRequest(database.prisma, f.avery.actor, { requestId: rileys.id, step: 0, decision: "APPROVE" }, { channels: none });
    expect(await inboxIds(f.avery)).toEqual([]);
    expect(await inboxIds(f.sam)).toEqual([rileys.id]);
    expect(await inboxIds(f.adrian)).toEqual([rileys.id]);
  });

  it("hides requests the approver already decided at this step, past their timeout, or no longer pending", async () => {
    await database.prisma.accessRequest.updateMany({ data: { status: "CANCELLED" } });
    const quorum2 = await f.createRequest({ steps: [{ name: "Both", userIds: [f.avery.principal.id, f.sam.principal.id], groupIds: [], quorum: 2 }] });
    const overdue = await f.createRequest({ steps: [f.leadsStep], pendingExpiresAt: new Date(Date.now() - 1000) });
    const approved = await f.createRequest({ steps: [f.leadsStep], status: "APPROVED" });
    expect(await inboxIds(f.avery)).toEqual([quorum2.id]);
    await decideAccessRequest(database.prisma, f.avery.actor, { requestId: quorum2.id, step: 0, decision: "APPROVE" }, { channels: none });
    expect(await inboxIds(f.avery)).toEqual([]);
    const forSam = (await listApproverInbox(database.prisma, f.sam.user)).items;
    expect(forSam.map((i) => i.id)).toEqual([quorum2.id]);
    expect(forSam[0]!.step).toMatchObject({ approvals: 1, quorum: 2, approvedBy: ["Avery Chen"] });
    expect(await inboxIds(f.avery)).not.toContain(overdue.id);
    expect(await inboxIds(f.avery)).not.toContain(approved.id);
  });

  it("shows an extension with the time its access ends now, so the approver sees the whole span", async () => {
    const original = await f.createRequest({ steps: [f.leadsStep], status: "APPROVED" });
    const expiresAt = new Date(Date.now() + 30 * 60_000);
    const grant = await database.prisma.grant.create({
      data: { requestId: original.id, integrationId: f.integration.id, userId: f.riley.user.id, kind: "TEMP_PERMISSION_SET", state: "ACTIVE", awsAccountId: "222222222222", startsAt: new Date(), expiresAt, nextRunAt: expiresAt },
    });
    const extension = await f.createRequest({ steps: [f.leadsStep] });
    await database.prisma.accessRequest.update({ where: { id: extension.id }, data: { extendsGrantId: grant.id } });
    const item = (await listApproverInbox(database.prisma, f.avery.user)).items.find((i) => i.id === extension.id);
    expect(item).toMatchObject({ extendsGrantId: grant.id, extendsGrantExpiresAt: expiresAt.toISOString(), durationMinutes: 60 });
  });

  it("says when a request can no longer be approved (target gone, policy disabled), so the approver denies it", async () => {
    const db = database.prisma;
    const item = async (id: string) => (await listApproverInbox(db, f.avery.user)).items.find((i) => i.id === id)!;
    const request = await f.createRequest({ steps: [f.leadsStep] });
    await db.resource.update({ where: { id: f.bucket.id }, data: { deletedAt: new Date() } });
    try {
      expect((await item(request.id)).approvalBlocked).toMatch(/no longer available \(it was removed from AWS or from the catalog\)/);
    } finally {
      await db.resource.update({ where: { id: f.bucket.id }, data: { deletedAt: null } });
    }
    expect((await item(request.id)).approvalBlocked).toBeNull();
    const policy = await db.policy.create({ data: { name: "inbox brake", approvalSteps: [f.leadsStep], allowEveryone: true, enabled: false } });
    await db.accessRequest.update({ where: { id: request.id }, data: { policySnapshot: { ...(request.policySnapshot as object), matchedPolicyIds: [policy.id] } } });
    expect((await item(request.id)).approvalBlocked).toMatch(/policy that allowed this request has been disabled or deleted/);
    // Blockers are read for the whole inbox at once: one item's brake does not leak to another.
    const other = await f.createRequest({ steps: [f.leadsStep] });
    expect((await item(other.id)).approvalBlocked).toBeNull();
    await db.policy.update({ where: { id: policy.id }, data: { enabled: true } });
    await db.user.update({ where: { id: f.riley.user.id }, data: { disabled: true } });
    try {
      const inbox = (await listApproverInbox(db, f.avery.user)).items;
      expect(inbox.find((i) => i.id === request.id)!.approvalBlocked).toMatch(/requester's portal account has been disabled/);
      expect(inbox.find((i) => i.id === other.id)!.approvalBlocked).toMatch(/requester's portal account has been disabled/);
    } finally {
      await db.user.update({ where: { id: f.riley.user.id }, data: { disabled: false } });
    }
    expect((await item(request.id)).approvalBlocked).toBeNull();
  });

  it("tells a user with no Identity Center user why the inbox is empty", async () => {
    const stranger = await database.prisma.user.create({ data: { email: "stranger@example.com", name: "Stranger" } });
    expect(await listApproverInbox(database.prisma, stranger)).toEqual({ items: [], linked: false });
  });
});
