import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createTestDatabase } from "../db/test-database.ts";
import type { TDatabase } from "../db/open-database.ts";
import { seedCatalogFixture, type TCatalogFixture } from "../catalog/test-fixtures.ts";
import { approvalBlocker } from "../access/target-availability.ts";

// Admins per configuration: adrian by email, anyone in "Portal-Admins" by group claim.
vi.mock("../env.ts", async (importOriginal) => {
  const real = await importOriginal<typeof import("../env.ts")>();
  const config: Record<string, unknown> = { ADMIN_EMAILS: ["adrian@example.com"], ADMIN_GROUPS: ["Portal-Admins"], DEMO_MODE: false };
  return { ...real, env: new Proxy(real.env, { get: (target, key) => (typeof key === "string" && key in config ? config[key] : Reflect.get(target, key)) }) };
});

const { disableUser, enableUser, endUserSessions } = await import("./manage-people.ts");
const { listPeople, PEOPLE_PAGE_SIZE } = await import("./list-people.ts");
const { lockActiveRequester } = await import("../access/lock-users.ts");
const { decideAccessRequest } = await import("../access/decide-access-request.ts");
const { getRequestTimeline } = await import("../access/get-request-timeline.ts");

let database: TDatabase;
let f: TCatalogFixture;
const HOUR = 3_600_000;

beforeAll(async () => {
  database = await createTestDatabase();
  f = await seedCatalogFixture(database.prisma);
});
afterAll(async () => database?.close());

async function session(userId: string, expiresInMs: number) {
  return database.prisma.session.create({ data: { userId, provider: "oidc", expiresAt: new Date(Date.now() + expiresInMs) } });
}

async function request(requesterId: string, status: "PENDING" | "APPROVED", extra: { currentStep?: number; policySnapshot?: object } = {}) {
  return database.prisma.accessRequest.create({
    data: { integrationId: f.integrationId, requesterId, targetType: "RESOURCE", resourceId: f.resources.prodBucket.id, accessLevel: "read", durationMinutes: 60, status, ...extra },
  });
}

const steps = (...quorums: number[]) => ({ approvalSteps: quorums.map((quorum, i) => ({ name: `Step ${i + 1}`, userIds: ["p1", "p2", "p3"], groupIds: [], quorum })) });

async function grant(userId: string, state: "APPROVED" | "PROVISIONING" | "ACTIVE" | "EXPIRED") {
  const r = await request(userId, "APPROVED");
  return database.prisma.grant.create({
    data: { requestId: r.id, integrationId: f.integrationId, userId, kind: "TEMP_PERMISSION_SET", state, startsAt: new Date(Date.now() - HOUR), expiresAt: new Date(Date.now() + (state === "EXPIRED" ? -1 : 4) * HOUR) },
  });
}

const admin = () => ({ id: f.users.adrian.id, email: f.users.adrian.email });

describe("disableUser", () => {
  it("ends sessions, cancels pending requests and revokes live grants in one audited step", async () => {
    const riley = f.users.riley.id;
    const live = await session(riley, HOUR);
    const old = await session(riley, -HOUR);
    const pending = await request(riley, "PENDING");
    const active = await grant(riley, "ACTIVE");
    const scheduled = await grant(riley, "APPROVED");
    const provisioning = await grant(riley, "PROVISIONING");
    const ended = await grant(riley, "EXPIRED");
    const otherPending = await request(f.users.sam.id, "PENDING");
    const samGrant = await grant(f.users.sam.id, "ACTIVE");
    const samSession = await session(f.users.sam.id, HOUR);
    // Riley's votes on Sam's pending requests: one of two at a single step; the one that completed step 1 of two.
    const quorumOfTwo = await request(f.users.sam.id, "PENDING", { policySnapshot: steps(2) });
    const twoSteps = await request(f.users.sam.id, "PENDING", { policySnapshot: steps(1, 1), currentStep: 1 });
    await database.prisma.approval.createMany({
      data: [
        { requestId: quorumOfTwo.id, step: 0, approverId: riley, decision: "APPROVE" },
        { requestId: quorumOfTwo.id, step: 0, approverId: f.users.avery.id, decision: "APPROVE" },
        { requestId: twoSteps.id, step: 0, approverId: riley, decision: "APPROVE" },
      ],
    });

    const before = (await listPeople(database.prisma, { q: "riley" })).people[0]!;
    expect(before).toMatchObject({ email: "riley@example.com", disabled: false, liveSessions: 1, pendingRequests: 1, liveGrants: 3, isAdmin: false });

    const now = new Date();
    const out = await disableUser(database.prisma, admin(), { userId: riley, reason: "left the company" }, now);
    expect(out).toEqual({ userId: riley, sessionsEnded: 1, requestsCancelled: 1, grantsRevoked: 3, approvalsWithdrawn: 2 });

    const p = database.prisma;
    expect((await p.user.findUniqueOrThrow({ where: { id: riley } })).disabled).toBe(true);
    expect((await p.session.findUniqueOrThrow({ where: { id: live.id } })).revokedAt).toEqual(now);
    expect((await p.session.findUniqueOrThrow({ where: { id: old.id } })).revokedAt).toBeNull();
    expect((await p.accessRequest.findUniqueOrThrow({ where: { id: pending.id } })).status).toBe("CANCELLED");
    for (const g of [active, scheduled, provisioning]) {
      const row = await p.grant.findUniqueOrThrow({ where: { id: g.id } });
      expect(row).toMatchObject({ revokedById: f.users.adrian.id, expiresAt: now, nextRunAt: now, revokeReason: "Account disabled: left the company" });
    }
    expect((await p.grant.findUniqueOrThrow({ where: { id: ended.id } })).revokedById).toBeNull();
    // Nobody else is touched.
    expect((await p.accessRequest.findUniqueOrThrow({ where: { id: otherPending.id } })).status).toBe("PENDING");
    expect((await p.grant.findUniqueOrThrow({ where: { id: samGrant.id } })).revokedById).toBeNull();
    expect((await p.session.findUniqueOrThrow({ where: { id: samSession.id } })).revokedAt).toBeNull();
    // Riley's votes no longer count: Avery's approval stays; the two-step request is back at step 1.
    expect(await p.approval.findMany({ where: { requestId: quorumOfTwo.id }, select: { approverId: true } })).toEqual([{ approverId: f.users.avery.id }]);
    expect(await p.approval.count({ where: { requestId: twoSteps.id } })).toBe(0);
    expect((await p.accessRequest.findUniqueOrThrow({ where: { id: twoSteps.id } })).currentStep).toBe(0);
    expect((await p.accessRequest.findUniqueOrThrow({ where: { id: quorumOfTwo.id } })).currentStep).toBe(0);
    const withdrawn = await p.auditEvent.findFirst({ where: { action: "approval.withdrawn", subjectId: twoSteps.id } });
    expect(withdrawn?.details).toMatchObject({ approverEmail: "riley@example.com", fromStep: 1, toStep: 0 });
    // The requester's timeline says a vote no longer counts (the Approval row is gone), without naming who.
    const view = await getRequestTimeline(p, f.users.sam.id, twoSteps.id);
    const entry = view.timeline.find((t) => t.label === "An approval no longer counts");
    expect(entry?.detail).toBe("The request is back at Step 1 and waits for another approval.");
    expect(JSON.stringify(view.timeline)).not.toContain("riley@example.com");

    const audit = await p.auditEvent.findMany({ where: { subjectId: { in: [riley, pending.id, active.id, scheduled.id, provisioning.id] } }, orderBy: { seq: "asc" } });
    expect(audit.map((e) => e.action)).toEqual(["user.disabled", "request.cancelled", "grant.force_revoked", "grant.force_revoked", "grant.force_revoked"]);
    expect(audit[0]!.details).toMatchObject({ reason: "left the company", sessionsEnded: 1, requestsCancelled: 1, grantsRevoked: 3, approvalsWithdrawn: 2 });
    expect(audit[0]!.actorEmail).toBe("adrian@example.com");

    const after = (await listPeople(database.prisma, { q: "RILEY", status: "disabled" })).people;
    expect(after.map((u) => [u.email, u.liveSessions, u.pendingRequests, u.liveGrants])).toEqual([["riley@example.com", 0, 0, 0]]);
  });

  it("a disabled account can neither submit (the transaction re-checks it under a lock) nor decide", async () => {
    await expect(database.prisma.$transaction((tx) => lockActiveRequester(tx, f.users.riley.id))).rejects.toMatchObject({ code: "FORBIDDEN", userMessage: "Your portal account has been disabled." });
    await expect(database.prisma.$transaction((tx) => lockActiveRequester(tx, f.users.sam.id))).resolves.toBeUndefined();
    const samsRequest = await request(f.users.sam.id, "PENDING", { policySnapshot: steps(1) });
    await expect(
      decideAccessRequest(database.prisma, { id: f.users.riley.id, email: "riley@example.com", name: null }, { requestId: samsRequest.id, step: 0, decision: "APPROVE", comment: "" }),
    ).rejects.toMatchObject({ code: "FORBIDDEN", userMessage: "Your portal account has been disabled." });
  });

  it("a submission in flight when the disable starts is cancelled by it, not left behind", async () => {
    const who = f.users.outsider.id;
    let disabling: Promise<{ requestsCancelled: number }> | undefined;
    await database.prisma.$transaction(async (tx) => {
      await lockActiveRequester(tx, who);
      // On PostgreSQL the disable waits here for the account lock; on PGlite it queues behind this transaction.
      disabling = disableUser(database.prisma, admin(), { userId: who, reason: "race" });
      await new Promise((r) => setTimeout(r, 300));
      await tx.accessRequest.create({
        data: { integrationId: f.integrationId, requesterId: who, targetType: "RESOURCE", resourceId: f.resources.prodBucket.id, accessLevel: "read", durationMinutes: 60 },
      });
    });
    expect((await disabling!).requestsCancelled).toBe(1);
    expect(await database.prisma.accessRequest.count({ where: { requesterId: who, status: "PENDING" } })).toBe(0);
  });

  it("a request that slips in afterwards cannot be approved", async () => {
    const late = await request(f.users.riley.id, "PENDING");
    expect(await approvalBlocker(database.prisma, { id: late.id, policySnapshot: null })).toMatch(/requester's portal account has been disabled/);
    const sams = await request(f.users.sam.id, "PENDING");
    expect(await approvalBlocker(database.prisma, { id: sams.id, policySnapshot: null })).toBeNull();
  });

  it("refuses an admin whose own account was disabled meanwhile", async () => {
    const other = await database.prisma.user.create({ data: { email: "former-admin@example.com", disabled: true } });
    await expect(disableUser(database.prisma, { id: other.id, email: other.email }, { userId: f.users.sam.id, reason: "x" })).rejects.toMatchObject({ code: "FORBIDDEN" });
    expect((await database.prisma.user.findUniqueOrThrow({ where: { id: f.users.sam.id } })).disabled).toBe(false);
    await database.prisma.user.delete({ where: { id: other.id } });
  });

  it("refuses to disable twice, oneself, an unknown user, or without a reason", async () => {
    await expect(disableUser(database.prisma, admin(), { userId: f.users.riley.id, reason: "again" })).rejects.toMatchObject({ code: "CONFLICT", userMessage: "This account is already disabled." });
    await expect(disableUser(database.prisma, admin(), { userId: f.users.adrian.id, reason: "oops" })).rejects.toMatchObject({ code: "CONFLICT", userMessage: "You cannot disable your own account." });
    await expect(disableUser(database.prisma, admin(), { userId: "nobody", reason: "x" })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(disableUser(database.prisma, admin(), { userId: f.users.sam.id, reason: "  " })).rejects.toMatchObject({ code: "INVALID_INPUT", userMessage: "Say why the account is disabled" });
    expect((await database.prisma.user.findUniqueOrThrow({ where: { id: f.users.sam.id } })).disabled).toBe(false);
  });
});

describe("enableUser and endUserSessions", () => {
  it("enables a disabled account without giving anything back, and refuses an enabled one", async () => {
    const riley = f.users.riley.id;
    await enableUser(database.prisma, admin(), { userId: riley });
    expect((await database.prisma.user.findUniqueOrThrow({ where: { id: riley } })).disabled).toBe(false);
    expect(await database.prisma.session.count({ where: { userId: riley, revokedAt: null, expiresAt: { gt: new Date() } } })).toBe(0);
    await expect(enableUser(database.prisma, admin(), { userId: riley })).rejects.toMatchObject({ code: "CONFLICT" });
    expect(await database.prisma.auditEvent.count({ where: { action: "user.enabled", subjectId: riley } })).toBe(1);
  });

  it("ends every live session of a user and leaves their access alone", async () => {
    const avery = f.users.avery.id;
    await session(avery, HOUR);
    await session(avery, 2 * HOUR);
    const g = await grant(avery, "ACTIVE");
    expect(await endUserSessions(database.prisma, admin(), { userId: avery })).toEqual({ userId: avery, sessionsEnded: 2 });
    expect(await database.prisma.session.count({ where: { userId: avery, revokedAt: null } })).toBe(0);
    expect((await database.prisma.grant.findUniqueOrThrow({ where: { id: g.id } })).revokedById).toBeNull();
    const event = await database.prisma.auditEvent.findFirst({ where: { action: "user.sessions_ended", subjectId: avery } });
    expect(event?.details).toMatchObject({ sessionsEnded: 2 });
  });
});

describe("listPeople", () => {
  it("lists admins per today's configuration (email or group claim) and filters by status", async () => {
    await database.prisma.user.create({ data: { email: "grace@example.com", name: "Grace Admin", idpGroups: ["Portal-Admins"] } });
    await database.prisma.user.create({ data: { email: "hal@example.com", name: "Hal Admin", idpGroups: ["ops", "PORTAL-ADMINS"] } });
    const admins = await listPeople(database.prisma, { status: "admins" });
    expect(admins.people.map((u) => u.email).sort()).toEqual(["adrian@example.com", "grace@example.com", "hal@example.com"]);
    expect(admins.people.every((u) => u.isAdmin)).toBe(true);
    const all = await listPeople(database.prisma, {});
    expect(all.total).toBe(7);
    expect(all.people.filter((u) => u.disabled).map((u) => u.email)).toEqual(["outsider@example.com"]);
    expect(all.people.filter((u) => u.isAdmin)).toHaveLength(3);
    expect(all).toMatchObject({ page: 1, firstIndex: 1, hasNext: false });
    expect((await listPeople(database.prisma, { status: "disabled" })).people.map((u) => u.email)).toEqual(["outsider@example.com"]);
    expect((await listPeople(database.prisma, { q: "avery chen" })).people.map((u) => u.email)).toEqual(["avery@example.com"]);
  });
  it("pages through everyone, most recent sign-in first, without skipping or repeating anyone", async () => {
    const base = Date.UTC(2026, 0, 1);
    await database.prisma.user.createMany({
      data: Array.from({ length: PEOPLE_PAGE_SIZE + 5 }, (_, i) => ({ email: `bulk-${String(i).padStart(3, "0")}@example.com`, lastLoginAt: new Date(base + i * 60_000) })),
    });
    const first = await listPeople(database.prisma, { q: "bulk-" });
    expect(first).toMatchObject({ total: PEOPLE_PAGE_SIZE + 5, page: 1, firstIndex: 1, hasNext: true });
    expect(first.people[0]!.email).toBe(`bulk-${String(PEOPLE_PAGE_SIZE + 4).padStart(3, "0")}@example.com`);
    const second = await listPeople(database.prisma, { q: "bulk-", page: 2 });
    expect(second).toMatchObject({ page: 2, firstIndex: PEOPLE_PAGE_SIZE + 1, hasNext: false });
    const seen = [...first.people, ...second.people].map((p) => p.email);
    expect(new Set(seen).size).toBe(PEOPLE_PAGE_SIZE + 5);
    expect((await listPeople(database.prisma, { q: "bulk-", page: 3 })).people).toEqual([]);
  });
});
