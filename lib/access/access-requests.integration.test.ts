import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createTestDatabase } from "../db/test-database.ts";
import type { TDatabase } from "../db/open-database.ts";
import { seedDemoPolicies } from "../demo/seed-demo-policies.ts";
import { seedCatalogFixture, type TCatalogFixture } from "../catalog/test-fixtures.ts";
import { workerSignal } from "../provisioning/kick-worker.ts";
import { submitAccessRequest } from "./submit-access-request.ts";
import { cancelAccessRequest } from "./cancel-access-request.ts";
import { requestExtension } from "./request-extension.ts";
import { revokeGrantEarly } from "./revoke-grant-early.ts";
import { getRequestTimeline } from "./get-request-timeline.ts";
import { listMyRequests } from "./list-my-requests.ts";
import { finalizeApproval } from "./finalize-approval.ts";

let database: TDatabase;
let f: TCatalogFixture;
let kicks = 0;
const onKick = () => {
  kicks += 1;
};

beforeAll(async () => {
  database = await createTestDatabase();
  f = await seedCatalogFixture(database.prisma);
  await seedDemoPolicies(database.prisma, f.integrationId);
  workerSignal.on("kick", onKick);
});
afterAll(async () => {
  workerSignal.off("kick", onKick);
  await database?.close();
});
beforeEach(() => {
  kicks = 0;
});

const db = () => database.prisma;
const riley = () => ({ id: f.users.riley.id, email: f.users.riley.email });
const sam = () => ({ id: f.users.sam.id, email: f.users.sam.email });
const prodBucketRead = (extra: Record<string, unknown> = {}) => ({
  target: { kind: "RESOURCE" as const, resourceId: f.resources.prodBucket.id },
  accessLevel: "read",
  durationMinutes: 60,
  justification: "Investigating INC-42",
  ...extra,
});
const auditFor = (subjectId: string) => db().auditEvent.findMany({ where: { subjectId }, orderBy: { seq: "asc" } });

describe("submitAccessRequest", () => {
  it("records a PENDING request with frozen rules, the IC user id, the policy document and its audit event", async () => {
    const result = await submitAccessRequest(db(), riley(), prodBucketRead());
    expect(result.status).toBe("PENDING");
    const request = await db().accessRequest.findUniqueOrThrow({ where: { id: result.id } });
    expect(request).toMatchObject({ status: "PENDING", requesterId: f.users.riley.id, requesterPrincipalId: "u-riley", targetType: "RESOURCE", accessLevel: "read" });
    const snapshot = request.policySnapshot as { autoApprove: boolean; approvalSteps: unknown[]; maxDurationMinutes: number };
    expect(snapshot.autoApprove).toBe(false);
    expect(snapshot.approvalSteps).toEqual([{ name: "Platform Leads", userIds: [], groupIds: [f.principals.leads.id], quorum: 1 }]);
    expect(request.targetSnapshot).toMatchObject({ name: "platform-prod-app-0-222222222222", accountId: "222222222222", ouPath: "Root/Workloads/Prod" });
    expect(request.policyDocument).toContain("arn:aws:s3:::platform-prod-app-0-222222222222/*");
    expect(request.pendingExpiresAt!.getTime() - request.createdAt.getTime()).toBeGreaterThan(1439 * 60_000);
    expect((await auditFor(request.id)).map((e) => e.action)).toEqual(["request.submitted"]);
    expect(kicks).toBe(0);
    await expect(submitAccessRequest(db(), riley(), prodBucketRead())).rejects.toMatchObject({ code: "CONFLICT" });
    // Past its deadline (not closed yet by the housekeeping tick) it can no longer be decided: it blocks nothing.
    await db().accessRequest.update({ where: { id: result.id }, data: { pendingExpiresAt: new Date(Date.now() - 60_000) } });
    const again = await submitAccessRequest(db(), riley(), prodBucketRead());
    await cancelAccessRequest(db(), riley(), again.id);
    await cancelAccessRequest(db(), riley(), result.id);
  });

  it("a group held only through a portal grant gives no right to request what that group may request", async () => {
    // Sam gets "Developers" (who may request prod bucket reads) for a few hours through the portal.
    const groupRequest = await db().accessRequest.create({
      data: { integrationId: f.integrationId, requesterId: f.users.sam.id, targetType: "GROUP", groupId: f.principals.developers.id, accessLevel: "member", durationMinutes: 120, status: "APPROVED" },
    });
    const grant = await db().grant.create({
      data: {
        requestId: groupRequest.id, integrationId: f.integrationId, userId: f.users.sam.id, kind: "GROUP_MEMBERSHIP", state: "ACTIVE",
        principalId: f.principals.sam.awsId, groupAwsId: f.principals.developers.awsId, membershipId: "m-sam-dev", startsAt: new Date(), expiresAt: new Date(Date.now() + 2 * 3600_000),
      },
    });
    const membership = await db().principalMembership.create({ data: { groupId: f.principals.developers.id, memberId: f.principals.sam.id, membershipId: "m-sam-dev" } });
    try {
      await expect(submitAccessRequest(db(), sam(), prodBucketRead())).rejects.toMatchObject({ code: "FORBIDDEN" });
      // A membership Sam held before the portal granted it (preExisting) is standing: it counts.
      await db().grant.update({ where: { id: grant.id }, data: { preExisting: true } });
      const allowed = await submitAccessRequest(db(), sam(), prodBucketRead());
      await cancelAccessRequest(db(), sam(), allowed.id);
    } finally {
      // Leaves Sam with no requests, as the tests after this one expect.
      await db().principalMembership.delete({ where: { id: membership.id } });
      await db().grant.delete({ where: { id: grant.id } });
      await db().accessRequest.deleteMany({ where: { requesterId: f.users.sam.id } });
    }
  });

  it("re-checks eligibility on the server and writes nothing when refused", async () => {
    const before = await db().accessRequest.count();
    const auditBefore = await db().auditEvent.count();
    await expect(submitAccessRequest(db(), sam(), prodBucketRead())).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(submitAccessRequest(db(), riley(), prodBucketRead({ accessLevel: "read-write" }))).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(submitAccessRequest(db(), riley(), prodBucketRead({ durationMinutes: 180 }))).rejects.toMatchObject({
      code: "FORBIDDEN",
      userMessage: expect.stringContaining("exceeds the maximum of 2 h"),
    });
    await expect(submitAccessRequest(db(), riley(), prodBucketRead({ justification: "  " }))).rejects.toMatchObject({
      userMessage: expect.stringContaining("A justification is required"),
    });
    await expect(
      submitAccessRequest(db(), { id: f.users.outsider.id, email: f.users.outsider.email }, prodBucketRead()),
    ).rejects.toMatchObject({ code: "FORBIDDEN", userMessage: expect.stringContaining("not linked") });
    await expect(
      submitAccessRequest(db(), riley(), prodBucketRead({ target: { kind: "RESOURCE", resourceId: f.resources.deletedBucket.id } })),
    ).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect(await db().accessRequest.count()).toBe(before);
    expect(await db().auditEvent.count()).toBe(auditBefore);
  });

  it("validates input shape and the ticket pattern", async () => {
    await expect(submitAccessRequest(db(), riley(), prodBucketRead({ durationMinutes: 5 }))).rejects.toMatchObject({ code: "INVALID_INPUT" });
    await expect(submitAccessRequest(db(), riley(), prodBucketRead({ durationMinutes: "abc" }))).rejects.toMatchObject({ code: "INVALID_INPUT" });
    await expect(submitAccessRequest(db(), riley(), prodBucketRead({ startsAt: new Date(Date.now() - 3_600_000).toISOString() }))).rejects.toMatchObject({
      code: "INVALID_INPUT",
    });
    const secret = { target: { kind: "RESOURCE" as const, resourceId: f.resources.prodSecret.id }, accessLevel: "read-value", durationMinutes: 30, justification: "rotate" };
    await expect(submitAccessRequest(db(), riley(), secret)).rejects.toMatchObject({ userMessage: expect.stringContaining("A ticket reference is required") });
    await expect(submitAccessRequest(db(), riley(), { ...secret, ticket: "ops 12" })).rejects.toMatchObject({ userMessage: expect.stringContaining("does not have the required format") });
    const ok = await submitAccessRequest(db(), riley(), { ...secret, ticket: "OPS-12" });
    const request = await db().accessRequest.findUniqueOrThrow({ where: { id: ok.id } });
    expect((request.policySnapshot as { approvalSteps: unknown[] }).approvalSteps).toHaveLength(2);
    expect(request.ticket).toBe("OPS-12");
  });

  it("auto-approves per policy: request APPROVED and grant created in the same transaction, worker nudged", async () => {
    const startsAt = new Date(Date.now() + 3_600_000);
    const result = await submitAccessRequest(db(), riley(), {
      target: { kind: "RESOURCE", resourceId: f.resources.devBucket.id },
      accessLevel: "read",
      durationMinutes: 240,
      justification: "debugging",
      startsAt: startsAt.toISOString(),
    });
    expect(result.status).toBe("APPROVED");
    const request = await db().accessRequest.findUniqueOrThrow({ where: { id: result.id }, include: { grant: true } });
    expect(request.status).toBe("APPROVED");
    expect(request.grant).toMatchObject({ state: "APPROVED", kind: "TEMP_PERMISSION_SET", awsAccountId: "333333333333" });
    expect(request.grant!.startsAt.getTime()).toBe(startsAt.getTime());
    expect(request.grant!.expiresAt.getTime() - startsAt.getTime()).toBe(240 * 60_000);
    const actions = (await db().auditEvent.findMany({ where: { OR: [{ subjectId: request.id }, { subjectId: request.grant!.id }] }, orderBy: { seq: "asc" } })).map((e) => e.action);
    expect(actions).toEqual(["request.submitted", "request.approved", "grant.created"]);
    expect(kicks).toBe(1);
  });
});

describe("cancel, extend, revoke", () => {
  it("refuses a submission or an extension from a disabled account, writing nothing", async () => {
    const grant = await activeGrant();
    const before = await db().accessRequest.count();
    await db().user.update({ where: { id: f.users.riley.id }, data: { disabled: true } });
    try {
      await expect(submitAccessRequest(db(), riley(), prodBucketRead({ justification: "after offboarding" }))).rejects.toMatchObject({ code: "FORBIDDEN", userMessage: "Your portal account has been disabled." });
      await expect(requestExtension(db(), riley(), { grantId: grant.id, durationMinutes: 30, justification: "after offboarding" })).rejects.toMatchObject({
        code: "FORBIDDEN",
        userMessage: "Your portal account has been disabled.",
      });
    } finally {
      await db().user.update({ where: { id: f.users.riley.id }, data: { disabled: false } });
    }
    expect(await db().accessRequest.count()).toBe(before);
  });

  it("cancels only the requester's own pending requests", async () => {
    const { id } = await submitAccessRequest(db(), riley(), prodBucketRead({ durationMinutes: 30 }));
    await expect(cancelAccessRequest(db(), sam(), id)).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect((await cancelAccessRequest(db(), riley(), id)).status).toBe("CANCELLED");
    expect((await auditFor(id)).map((e) => e.action)).toEqual(["request.submitted", "request.cancelled"]);
    await expect(cancelAccessRequest(db(), riley(), id)).rejects.toMatchObject({ code: "CONFLICT" });
    await expect(cancelAccessRequest(db(), riley(), "nope")).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  async function activeGrant() {
    const { id } = await submitAccessRequest(db(), riley(), prodBucketRead({ durationMinutes: 60, justification: `grant ${Math.random()}` }));
    const grant = await db().$transaction((tx) => finalizeApproval(tx, id, { id: f.users.avery.id, email: f.users.avery.email }));
    return db().grant.update({ where: { id: grant.id }, data: { state: "ACTIVE", activatedAt: new Date() } });
  }

  it("extends an active grant with a new request evaluated like any other", async () => {
    const grant = await activeGrant();
    await expect(requestExtension(db(), sam(), { grantId: grant.id, durationMinutes: 30, justification: "more" })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(requestExtension(db(), riley(), { grantId: grant.id, durationMinutes: 600, justification: "more" })).rejects.toMatchObject({ code: "FORBIDDEN" });
    const ext = await requestExtension(db(), riley(), { grantId: grant.id, durationMinutes: 30, justification: "need more time" });
    expect(ext.status).toBe("PENDING");
    const request = await db().accessRequest.findUniqueOrThrow({ where: { id: ext.id } });
    expect(request).toMatchObject({ extendsGrantId: grant.id, accessLevel: "read", resourceId: f.resources.prodBucket.id, durationMinutes: 30 });
    await db().$transaction((tx) => finalizeApproval(tx, ext.id, { id: f.users.avery.id, email: f.users.avery.email }));
    const after = await db().grant.findUniqueOrThrow({ where: { id: grant.id } });
    expect(after.expiresAt.getTime() - grant.expiresAt.getTime()).toBe(30 * 60_000);
    await db().grant.update({ where: { id: grant.id }, data: { state: "EXPIRED" } });
    await expect(requestExtension(db(), riley(), { grantId: grant.id, durationMinutes: 30, justification: "x" })).rejects.toMatchObject({ code: "CONFLICT" });
  });

  it("never lets extensions put more than the policy's maximum ahead of a grant, chained or auto-approved", async () => {
    // Dev buckets: auto-approved, at most 4 h. A fresh 4 h grant has no room left.
    await db().grant.updateMany({ where: { userId: f.users.riley.id }, data: { state: "EXPIRED" } });
    const { id } = await submitAccessRequest(db(), riley(), { target: { kind: "RESOURCE", resourceId: f.resources.devBucket.id }, accessLevel: "read", durationMinutes: 240, justification: "chained extensions" });
    const grant = await db().grant.findFirstOrThrow({ where: { requestId: id } });
    const before = await db().accessRequest.count();
    await expect(requestExtension(db(), riley(), { grantId: grant.id, durationMinutes: 240, justification: "more" })).rejects.toMatchObject({
      code: "FORBIDDEN",
      userMessage: expect.stringContaining("close to the policy's maximum of 4 h"),
    });
    await expect(requestExtension(db(), riley(), { grantId: grant.id, durationMinutes: 15, justification: "more" })).rejects.toMatchObject({ code: "FORBIDDEN" });
    expect(await db().accessRequest.count()).toBe(before);

    // Two hours in, two hours left: at most two more hours, once.
    const now = Date.now();
    await db().grant.update({ where: { id: grant.id }, data: { startsAt: new Date(now - 120 * 60_000), expiresAt: new Date(now + 120 * 60_000), state: "ACTIVE" } });
    await expect(requestExtension(db(), riley(), { grantId: grant.id, durationMinutes: 150, justification: "more" })).rejects.toMatchObject({
      userMessage: expect.stringContaining("extend it by 2 h at most now"),
    });
    expect((await requestExtension(db(), riley(), { grantId: grant.id, durationMinutes: 120, justification: "more" })).status).toBe("APPROVED");
    const extended = await db().grant.findUniqueOrThrow({ where: { id: grant.id } });
    expect(extended.expiresAt.getTime() - now).toBe(240 * 60_000);
    await expect(requestExtension(db(), riley(), { grantId: grant.id, durationMinutes: 15, justification: "again" })).rejects.toMatchObject({ code: "FORBIDDEN" });
  });

  it("never lets back-to-back bookings put more than the policy's maximum of access in one stretch", async () => {
    // Dev buckets: auto-approved, at most 4 h. Riley books 4 h now, then tries to chain more right after it.
    await db().grant.updateMany({ where: { userId: f.users.riley.id }, data: { state: "EXPIRED" } });
    const devRead = (startInMin: number, durationMinutes = 240) => ({
      target: { kind: "RESOURCE" as const, resourceId: f.resources.devBucket.id },
      accessLevel: "read",
      durationMinutes,
      justification: "on call",
      ...(startInMin > 0 ? { startsAt: new Date(Date.now() + startInMin * 60_000).toISOString() } : {}),
    });
    expect((await submitAccessRequest(db(), riley(), devRead(0))).status).toBe("APPROVED");
    const before = await db().accessRequest.count();
    for (const start of [240, 300, 420]) {
      await expect(submitAccessRequest(db(), riley(), devRead(start)), `start in ${start} min`).rejects.toMatchObject({
        code: "FORBIDDEN",
        userMessage: expect.stringContaining("the policy allows at most 4 h of it at a time: extend that access instead"),
      });
    }
    expect(await db().accessRequest.count()).toBe(before);
    // Overlapping from now within the maximum is fine (it ends no later than 4 h from now), and so is a booking a full maximum away.
    expect((await submitAccessRequest(db(), riley(), devRead(0, 60))).status).toBe("APPROVED");
    expect((await submitAccessRequest(db(), riley(), devRead(480))).status).toBe("APPROVED");
    // ... but not one that would join the two into one stretch.
    await expect(submitAccessRequest(db(), riley(), devRead(240, 240))).rejects.toMatchObject({ code: "FORBIDDEN" });
    // Once the held access has ended, the next booking stands alone.
    await db().grant.updateMany({ where: { userId: f.users.riley.id }, data: { state: "EXPIRED" } });
    expect((await submitAccessRequest(db(), riley(), devRead(240))).status).toBe("APPROVED");
    // Asking for earlier access next to a booking: told to end before it, not to extend.
    await expect(submitAccessRequest(db(), riley(), devRead(0, 120))).rejects.toMatchObject({ userMessage: expect.stringContaining("end this request at least 4 h before that starts") });
  });

  it("never lets an extension close the gap to a later booking beyond the policy's maximum", async () => {
    await db().grant.updateMany({ where: { userId: f.users.riley.id }, data: { state: "EXPIRED" } });
    const devRead = (startInMin: number, durationMinutes: number) => ({
      target: { kind: "RESOURCE" as const, resourceId: f.resources.devBucket.id },
      accessLevel: "read",
      durationMinutes,
      justification: "on call",
      ...(startInMin > 0 ? { startsAt: new Date(Date.now() + startInMin * 60_000).toISOString() } : {}),
    });
    const now = await submitAccessRequest(db(), riley(), devRead(0, 120));
    expect((await submitAccessRequest(db(), riley(), devRead(400, 240))).status).toBe("APPROVED");
    const grant = await db().grant.findFirstOrThrow({ where: { requestId: now.id } });
    // Within the maximum on its own (2 h + 2 h), but it would join the later booking into one stretch of 10 h 40 min.
    await expect(requestExtension(db(), riley(), { grantId: grant.id, durationMinutes: 120, justification: "more" })).rejects.toMatchObject({ code: "FORBIDDEN" });
    expect((await db().grant.findUniqueOrThrow({ where: { id: grant.id } })).expiresAt.getTime()).toBe(grant.expiresAt.getTime());
  });

  it("re-checks the maximum when an extension is approved: one that no longer fits is refused, the grant untouched", async () => {
    const grant = await activeGrant(); // prod buckets: at most 2 h; 1 h left
    const ext = await requestExtension(db(), riley(), { grantId: grant.id, durationMinutes: 60, justification: "fits now" });
    // Meanwhile the grant gained time (a concurrent extension): approving this one would pass 2 h ahead.
    const moved = await db().grant.update({ where: { id: grant.id }, data: { expiresAt: new Date(grant.expiresAt.getTime() + 30 * 60_000) } });
    await expect(db().$transaction((tx) => finalizeApproval(tx, ext.id, { id: f.users.avery.id, email: f.users.avery.email }))).rejects.toMatchObject({
      code: "CONFLICT",
      userMessage: expect.stringContaining("Deny this extension"),
    });
    expect((await db().grant.findUniqueOrThrow({ where: { id: grant.id } })).expiresAt).toEqual(moved.expiresAt);
    expect((await db().accessRequest.findUniqueOrThrow({ where: { id: ext.id } })).status).toBe("PENDING");
    await cancelAccessRequest(db(), riley(), ext.id);
  });

  it("re-checks the booking limit when a request is approved later: one that now runs next to a booking is refused", async () => {
    // Prod buckets: at most 2 h, one approval. Riley has 1 h booked from T+4h01.
    await db().grant.updateMany({ where: { userId: f.users.riley.id }, data: { state: "EXPIRED" } });
    const avery = { id: f.users.avery.id, email: f.users.avery.email };
    const t = Date.now();
    const booked = await submitAccessRequest(db(), riley(), prodBucketRead({ startsAt: new Date(t + 241 * 60_000).toISOString(), justification: "booked" }));
    await db().$transaction((tx) => finalizeApproval(tx, booked.id, avery));
    // Submitted at T for 2 h, it would end 2 h before the booking: it stands alone, so it is accepted.
    const late = await submitAccessRequest(db(), riley(), prodBucketRead({ durationMinutes: 120, justification: "approved late" }));
    // Approved at T+1h it runs T+1h..T+3h, one hour before the booking: one stretch of 4 h.
    await expect(db().$transaction((tx) => finalizeApproval(tx, late.id, avery, new Date(t + 60 * 60_000)))).rejects.toMatchObject({
      code: "CONFLICT",
      userMessage: expect.stringContaining("Deny this request"),
    });
    expect(await db().grant.count({ where: { requestId: late.id } })).toBe(0);
    expect((await db().accessRequest.findUniqueOrThrow({ where: { id: late.id } })).status).toBe("PENDING");
    // Approved at once it still fits.
    expect((await db().$transaction((tx) => finalizeApproval(tx, late.id, avery, new Date(t + 60_000)))).state).toBe("APPROVED");
  });

  it("re-checks the booking limit when an extension is approved after a booking next to it", async () => {
    await db().grant.updateMany({ where: { userId: f.users.riley.id }, data: { state: "EXPIRED" } });
    const avery = { id: f.users.avery.id, email: f.users.avery.email };
    const grant = await activeGrant(); // 1 h from now, prod buckets: at most 2 h
    const ext = await requestExtension(db(), riley(), { grantId: grant.id, durationMinutes: 60, justification: "more" });
    // Booked meanwhile, 2 h after the grant's current end: fine next to it alone, not once it is extended.
    const later = await submitAccessRequest(db(), riley(), prodBucketRead({ startsAt: new Date(grant.expiresAt.getTime() + 120 * 60_000).toISOString(), justification: "later" }));
    await db().$transaction((tx) => finalizeApproval(tx, later.id, avery));
    await expect(db().$transaction((tx) => finalizeApproval(tx, ext.id, avery))).rejects.toMatchObject({ code: "CONFLICT", userMessage: expect.stringContaining("Deny this extension") });
    expect((await db().grant.findUniqueOrThrow({ where: { id: grant.id } })).expiresAt).toEqual(grant.expiresAt);
    await cancelAccessRequest(db(), riley(), ext.id);
  });

  it("two submissions sent at once by one person are checked one after the other", async () => {
    // Dev buckets: auto-approved, at most 4 h. Each booking fits alone; together they are 8 h in one stretch.
    await db().grant.updateMany({ where: { userId: f.users.riley.id }, data: { state: "EXPIRED" } });
    const devRead = (startInMin: number) => ({
      target: { kind: "RESOURCE" as const, resourceId: f.resources.devBucket.id },
      accessLevel: "read",
      durationMinutes: 240,
      justification: "at once",
      ...(startInMin > 0 ? { startsAt: new Date(Date.now() + startInMin * 60_000).toISOString() } : {}),
    });
    const outcomes = await Promise.allSettled([submitAccessRequest(db(), riley(), devRead(0)), submitAccessRequest(db(), riley(), devRead(241))]);
    expect(outcomes.map((o) => o.status).sort()).toEqual(["fulfilled", "rejected"]);
    // Two identical requests that need approval: one is filed, the other is told it is a duplicate.
    const twins = await Promise.allSettled([submitAccessRequest(db(), riley(), prodBucketRead({ justification: "twin" })), submitAccessRequest(db(), riley(), prodBucketRead({ justification: "twin" }))]);
    expect(twins.map((o) => (o.status === "rejected" ? (o.reason as { code?: string }).code : "ok")).sort()).toEqual(["CONFLICT", "ok"]);
    for (const o of twins) if (o.status === "fulfilled") await cancelAccessRequest(db(), riley(), o.value.id);
  });

  it("revokes early only the requester's own live grant, with a conditional update and audit", async () => {
    const grant = await activeGrant();
    await expect(revokeGrantEarly(db(), sam(), { grantId: grant.id })).rejects.toMatchObject({ code: "NOT_FOUND" });
    const now = new Date();
    kicks = 0;
    await revokeGrantEarly(db(), riley(), { grantId: grant.id, reason: "done early" }, now);
    const after = await db().grant.findUniqueOrThrow({ where: { id: grant.id } });
    expect(after).toMatchObject({ state: "ACTIVE", revokedById: f.users.riley.id, revokeReason: "done early" });
    expect(after.expiresAt.getTime()).toBe(now.getTime());
    expect(after.nextRunAt.getTime()).toBe(now.getTime());
    expect(kicks).toBe(1);
    expect((await auditFor(grant.id)).map((e) => e.action)).toContain("grant.revoke_requested");
    await expect(revokeGrantEarly(db(), riley(), { grantId: grant.id })).rejects.toMatchObject({ code: "CONFLICT" });
    const ended = await activeGrant();
    await db().grant.update({ where: { id: ended.id }, data: { state: "EXPIRED" } });
    await expect(revokeGrantEarly(db(), riley(), { grantId: ended.id })).rejects.toMatchObject({ code: "CONFLICT" });
  });
});

describe("my requests", () => {
  it("lists only the user's own requests with a timeline; another user's id is NOT_FOUND", async () => {
    const mine = await listMyRequests(db(), f.users.riley.id);
    expect(mine.items.length).toBeGreaterThan(0);
    const theirs = await listMyRequests(db(), f.users.sam.id);
    expect(theirs.items).toEqual([]);
    const first = mine.items[0]!;
    await expect(getRequestTimeline(db(), f.users.sam.id, first.id)).rejects.toMatchObject({ code: "NOT_FOUND" });
    const view = await getRequestTimeline(db(), f.users.riley.id, first.id);
    expect(view.timeline[0]!.kind).toBe("submitted");
    const revoked = mine.items.find((r) => r.grant?.state === "ACTIVE" && r.grant.revokeRequested);
    expect(revoked?.accessPortalUrl).toBe("https://d-9067aa11bb.awsapps.com/start");
    expect(revoked?.canRevoke).toBe(false);
    expect(revoked?.canCancel).toBe(false);
    const page1 = await listMyRequests(db(), f.users.riley.id, { limit: 2 });
    const page2 = await listMyRequests(db(), f.users.riley.id, { limit: 2, cursor: page1.nextCursor });
    expect(page2.items[0]?.id).toBe(mine.items[2]?.id);
  });

  it("shows the requester the worker's safe status, never the raw AWS error meant for admins", async () => {
    const mine = await listMyRequests(db(), f.users.riley.id);
    const withGrant = mine.items.find((r) => r.grant)!;
    await db().grant.update({
      where: { id: withGrant.grant!.id },
      data: { state: "FAILED", lastError: "ConflictException: arn:aws:sso:::permissionSet/internal-detail", statusMessage: null, endedAt: new Date() },
    });
    const failed = await getRequestTimeline(db(), f.users.riley.id, withGrant.id);
    const text = JSON.stringify(failed);
    expect(text).not.toContain("ConflictException");
    expect(text).not.toContain("internal-detail");
    expect(failed.timeline.at(-1)).toMatchObject({ label: "Provisioning failed", detail: expect.stringContaining("An admin has the details") });
    const until = new Date(Date.now() + 3_600_000);
    await db().grant.update({ where: { id: withGrant.grant!.id }, data: { state: "EXPIRED", statusMessage: null, sessionsMayRemainUntil: until } });
    const expired = await getRequestTimeline(db(), f.users.riley.id, withGrant.id);
    expect(expired.timeline.at(-1)).toMatchObject({ label: "Expired", detail: expect.stringContaining("sessions opened before removal may last until") });
  });
});
