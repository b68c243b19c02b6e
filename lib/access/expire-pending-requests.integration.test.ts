import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TDatabase } from "../db/open-database.ts";
import { verifyAuditChain } from "../audit/verify-audit-chain.ts";
import { decideAccessRequest } from "./decide-access-request.ts";
import { expirePendingRequests } from "./expire-pending-requests.ts";
import { listMyRequests } from "./list-my-requests.ts";
import { NO_CHANNELS, openApprovalFixture, type TFixture } from "./approval-fixtures.test-helper.ts";

let database: TDatabase;
let f: TFixture;
const none = NO_CHANNELS;

beforeAll(async () => {
  ({ database, f } = await openApprovalFixture());
});
afterAll(async () => database?.close());

describe("expirePendingRequests", () => {
  it("times out exactly the pending requests past their deadline, audited and notified", async () => {
    const now = new Date("2030-01-01T12:00:00Z");
    const due = await f.createRequest({ steps: [f.leadsStep], pendingExpiresAt: new Date(now.getTime() - 1) });
    const dueExactly = await f.createRequest({ steps: [f.leadsStep], pendingExpiresAt: now });
    const notYet = await f.createRequest({ steps: [f.leadsStep], pendingExpiresAt: new Date(now.getTime() + 60_000) });
    const noDeadline = await f.createRequest({ steps: [f.leadsStep], pendingExpiresAt: null });
    const decided = await f.createRequest({ steps: [f.leadsStep], status: "DENIED", pendingExpiresAt: new Date(now.getTime() - 1) });

    expect(await expirePendingRequests(database.prisma, now, { channels: none })).toEqual({ timedOut: 2, extensionsClosed: 0 });
    const status = async (id: string) => (await database.prisma.accessRequest.findUniqueOrThrow({ where: { id } })).status;
    expect(await status(due.id)).toBe("TIMED_OUT");
    expect(await status(dueExactly.id)).toBe("TIMED_OUT");
    expect(await status(notYet.id)).toBe("PENDING");
    expect(await status(noDeadline.id)).toBe("PENDING");
    expect(await status(decided.id)).toBe("DENIED");
    expect((await database.prisma.accessRequest.findUniqueOrThrow({ where: { id: due.id } })).decidedAt).toEqual(now);
    expect(await database.prisma.auditEvent.count({ where: { action: "request.timed_out", subjectId: { in: [due.id, dueExactly.id] } } })).toBe(2);
    expect(await database.prisma.notification.count({ where: { userId: f.riley.user.id, kind: "request.timed_out" } })).toBe(2);
    // Idempotent: a second tick finds nothing.
    expect(await expirePendingRequests(database.prisma, now, { channels: none })).toEqual({ timedOut: 0, extensionsClosed: 0 });
    expect((await verifyAuditChain(database.prisma)).ok).toBe(true);
  });

  it("a timed-out request can no longer be approved, and an approved one is never timed out", async () => {
    const soon = new Date(Date.now() + 2_000);
    const request = await f.createRequest({ steps: [f.leadsStep], pendingExpiresAt: soon });
    const other = await f.createRequest({ steps: [f.leadsStep], pendingExpiresAt: soon });
    await decideAccessRequest(database.prisma, f.avery.actor, { requestId: other.id, step: 0, decision: "APPROVE" }, { channels: none });
    await expirePendingRequests(database.prisma, new Date(soon.getTime() + 1), { channels: none });
    expect((await database.prisma.accessRequest.findUniqueOrThrow({ where: { id: other.id } })).status).toBe("APPROVED");
    expect((await database.prisma.accessRequest.findUniqueOrThrow({ where: { id: request.id } })).status).toBe("TIMED_OUT");
    await expect(
      decideAccessRequest(database.prisma, f.avery.actor, { requestId: request.id, step: 0, decision: "APPROVE" }, { channels: none }),
    ).rejects.toMatchObject({ code: "CONFLICT", userMessage: expect.stringMatching(/timed out/) });
  });

  it("closes an extension whose access has ended, and leaves one whose access is live for the approvers", async () => {
    const db = database.prisma;
    const now = new Date("2030-06-01T12:00:00Z");
    await db.accessRequest.updateMany({ where: { status: "PENDING" }, data: { status: "CANCELLED" } });
    const grantFor = async (state: "ACTIVE" | "EXPIRED" | "REVOKED") => {
      const original = await f.createRequest({ steps: [f.leadsStep], status: "APPROVED" });
      return db.grant.create({
        data: { requestId: original.id, integrationId: original.integrationId, userId: f.riley.user.id, kind: "TEMP_PERMISSION_SET", state, awsAccountId: "222222222222", startsAt: new Date(now.getTime() - 3_600_000), expiresAt: new Date(now.getTime() + (state === "ACTIVE" ? 3_600_000 : -60_000)), ...(state === "ACTIVE" ? {} : { endedAt: new Date(now.getTime() - 60_000) }) },
      });
    };
    const extensionOf = async (grantId: string) => {
      const r = await f.createRequest({ steps: [f.leadsStep], pendingExpiresAt: new Date(now.getTime() + 3_600_000) });
      return db.accessRequest.update({ where: { id: r.id }, data: { extendsGrantId: grantId } });
    };
    const ofExpired = await extensionOf((await grantFor("EXPIRED")).id);
    const ofRevoked = await extensionOf((await grantFor("REVOKED")).id);
    const ofActive = await extensionOf((await grantFor("ACTIVE")).id);

    expect(await expirePendingRequests(db, now, { channels: none })).toEqual({ timedOut: 0, extensionsClosed: 2 });
    const row = (id: string) => db.accessRequest.findUniqueOrThrow({ where: { id } });
    expect(await row(ofExpired.id)).toMatchObject({ status: "CANCELLED", decidedAt: now });
    expect((await row(ofRevoked.id)).status).toBe("CANCELLED");
    expect((await row(ofActive.id)).status).toBe("PENDING");
    const audit = await db.auditEvent.findFirstOrThrow({ where: { action: "request.extension_closed", subjectId: ofExpired.id } });
    expect(audit).toMatchObject({ actorId: null, details: expect.objectContaining({ grantState: "EXPIRED" }) });
    const note = await db.notification.findFirstOrThrow({ where: { userId: f.riley.user.id, kind: "request.extension_closed" } });
    expect(note.body).toMatch(/already ended/);
    // Gone from the approver's inbox; approving it now is a conflict, not a half-done extension.
    await expect(decideAccessRequest(db, f.avery.actor, { requestId: ofExpired.id, step: 0, decision: "APPROVE" }, { channels: none })).rejects.toMatchObject({ code: "CONFLICT" });
    expect(await expirePendingRequests(db, now, { channels: none })).toEqual({ timedOut: 0, extensionsClosed: 0 });
    expect((await verifyAuditChain(db)).ok).toBe(true);
    // My requests says why, instead of "Cancelled by you".
    const mine = await listMyRequests(db, f.riley.user.id, { limit: 100 }, now);
    const view = mine.items.find((r) => r.id === ofExpired.id);
    expect(view?.timeline.at(-1)).toMatchObject({ kind: "cancelled", label: "Closed: the access it extends has ended" });
  });

  it("handles more due requests than one batch", async () => {
    const now = new Date("2031-01-01T00:00:00Z");
    await database.prisma.accessRequest.updateMany({ where: { status: "PENDING" }, data: { status: "CANCELLED" } });
    for (let i = 0; i < 105; i++) await f.createRequest({ steps: [f.leadsStep], pendingExpiresAt: new Date(now.getTime() - 1000 - i) });
    expect(await expirePendingRequests(database.prisma, now, { channels: none })).toEqual({ timedOut: 105, extensionsClosed: 0 });
    expect(await database.prisma.accessRequest.count({ where: { status: "PENDING" } })).toBe(0);
  });
});
