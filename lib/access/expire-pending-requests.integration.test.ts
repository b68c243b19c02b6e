import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TDatabase } from "../db/open-database.ts";
import { verifyAuditChain } from "../audit/verify-audit-chain.ts";
import { decideAccessRequest } from "./decide-access-request.ts";
import { expirePendingRequests } from "./expire-pending-requests.ts";
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

    expect(await expirePendingRequests(database.prisma, now, { channels: none })).toEqual({ timedOut: 2 });
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
    expect(await expirePendingRequests(database.prisma, now, { channels: none })).toEqual({ timedOut: 0 });
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

  it("handles more due requests than one batch", async () => {
    const now = new Date("2031-01-01T00:00:00Z");
    await database.prisma.accessRequest.updateMany({ where: { status: "PENDING" }, data: { status: "CANCELLED" } });
    for (let i = 0; i < 105; i++) await f.createRequest({ steps: [f.leadsStep], pendingExpiresAt: new Date(now.getTime() - 1000 - i) });
    expect(await expirePendingRequests(database.prisma, now, { channels: none })).toEqual({ timedOut: 105 });
    expect(await database.prisma.accessRequest.count({ where: { status: "PENDING" } })).toBe(0);
  });
});
