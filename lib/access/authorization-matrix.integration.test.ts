// The approver side's authorization matrix at the domain layer: every identity against every approver
// operation, with the expected allow or deny. Anonymous callers never reach these functions (the action
// client and routes refuse them first); e2e/authorization-matrix.spec.ts drives that layer over HTTP.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TDatabase } from "../db/open-database.ts";
import { listNotifications } from "../notifications/list-notifications.ts";
import { markNotificationsRead } from "../notifications/mark-notifications-read.ts";
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

type TWho = "requester" | "approver" | "anotherApprover" | "admin";
const who = (w: TWho) => ({ requester: f.riley, approver: f.avery, anotherApprover: f.sam, admin: f.adrian })[w];

async function attempt(w: TWho, requestId: string, decision: "APPROVE" | "DENY" = "APPROVE") {
  try {
    const result = await decideAccessRequest(database.prisma, who(w).actor, { requestId, step: 0, decision, comment: "matrix" }, { channels: none });
    return { allowed: true as const, outcome: result.outcome };
  } catch (error) {
    return { allowed: false as const, error: error as { code?: string; userMessage?: string } };
  }
}

async function unchanged(requestId: string) {
  const request = await database.prisma.accessRequest.findUniqueOrThrow({ where: { id: requestId }, include: { approvals: true, grant: true } });
  expect(request.status).toBe("PENDING");
  expect(request.approvals).toHaveLength(0);
  expect(request.grant).toBeNull();
  expect(await database.prisma.auditEvent.count({ where: { subjectId: requestId } })).toBe(0);
}

describe("decide a request (Riley's request, step approved by the Platform Leads group = Avery)", () => {
  const matrix: { identity: TWho; decision: "APPROVE" | "DENY"; allowed: boolean; message?: RegExp }[] = [
    { identity: "requester", decision: "APPROVE", allowed: false, message: /your own request/ },
    { identity: "requester", decision: "DENY", allowed: false, message: /your own request/ },
    { identity: "approver", decision: "APPROVE", allowed: true },
    { identity: "approver", decision: "DENY", allowed: true },
    { identity: "anotherApprover", decision: "APPROVE", allowed: false, message: /not an approver/ },
    { identity: "anotherApprover", decision: "DENY", allowed: false, message: /not an approver/ },
    { identity: "admin", decision: "APPROVE", allowed: false, message: /not an approver/ },
    { identity: "admin", decision: "DENY", allowed: false, message: /not an approver/ },
  ];
  for (const row of matrix) {
    it(`${row.identity} ${row.decision} → ${row.allowed ? "allowed" : "denied"}`, async () => {
      const request = await f.createRequest({ steps: [f.leadsStep] });
      const result = await attempt(row.identity, request.id, row.decision);
      expect(result.allowed).toBe(row.allowed);
      if (!result.allowed) {
        expect(result.error).toMatchObject({ code: "FORBIDDEN", userMessage: expect.stringMatching(row.message!) });
        await unchanged(request.id);
      } else {
        expect(result.outcome).toBe(row.decision === "APPROVE" ? "APPROVED" : "DENIED");
      }
    });
  }
});

describe("self-approval is refused by each check on its own", () => {
  it("by portal user id, even when the request carries no Principal (canDecide alone would allow it)", async () => {
    const request = await f.createRequest({ by: f.avery, requesterPrincipalId: null, steps: [f.leadsStep] });
    const result = await attempt("approver", request.id);
    expect(result).toMatchObject({ allowed: false, error: { code: "FORBIDDEN", userMessage: expect.stringMatching(/your own request/) } });
    await unchanged(request.id);
  });

  it("by Identity Center user, even when the portal user ids differ", async () => {
    // A request filed by another portal account that resolved to Avery's Identity Center user.
    const request = await f.createRequest({ by: { user: f.riley.user, principal: f.avery.principal }, steps: [f.leadsStep] });
    const result = await attempt("approver", request.id);
    expect(result).toMatchObject({ allowed: false, error: { code: "FORBIDDEN", userMessage: expect.stringMatching(/your own request/) } });
    await unchanged(request.id);
  });

  it("when the request stores the Identity Center UserId (awsId) instead of the Principal id", async () => {
    const request = await f.createRequest({ by: { user: f.riley.user, principal: f.avery.principal }, requesterPrincipalId: f.avery.principal.awsId, steps: [f.leadsStep] });
    const result = await attempt("approver", request.id);
    expect(result).toMatchObject({ allowed: false, error: { code: "FORBIDDEN", userMessage: expect.stringMatching(/your own request/) } });
    await unchanged(request.id);
    expect((await listApproverInbox(database.prisma, f.avery.user)).items.some((i) => i.id === request.id)).toBe(false);
  });

  it("when the requester is named directly in the step (not only through a group)", async () => {
    const request = await f.createRequest({ steps: [{ name: "Riley and Avery", userIds: [f.riley.principal.id, f.avery.principal.id], groupIds: [], quorum: 1 }] });
    expect(await attempt("requester", request.id)).toMatchObject({ allowed: false, error: { code: "FORBIDDEN" } });
    await unchanged(request.id);
  });
});

describe("deciding outside one's policies", () => {
  it("an approver of step 2 cannot decide step 1, nor jump ahead to step 2", async () => {
    const request = await f.createRequest({ steps: [f.leadsStep, f.securityStep] });
    expect(await attempt("anotherApprover", request.id)).toMatchObject({ allowed: false, error: { code: "FORBIDDEN" } });
    const ahead = await decideAccessRequest(database.prisma, f.sam.actor, { requestId: request.id, step: 1, decision: "APPROVE" }, { channels: none }).catch((e: unknown) => e);
    expect(ahead).toMatchObject({ code: "CONFLICT", userMessage: expect.stringMatching(/moved on|since you opened/) });
    await unchanged(request.id);
  });

  it("a step index outside the snapshot is refused", async () => {
    const request = await f.createRequest({ steps: [f.leadsStep] });
    const result = await decideAccessRequest(database.prisma, f.avery.actor, { requestId: request.id, step: 7, decision: "APPROVE" }, { channels: none }).catch((e: unknown) => e);
    expect(result).toMatchObject({ code: "FORBIDDEN" });
    await unchanged(request.id);
  });

  it("a portal user with no Identity Center user cannot decide anything", async () => {
    const request = await f.createRequest({ steps: [f.leadsStep] });
    const stranger = await database.prisma.user.create({ data: { email: "nobody@example.com", name: "Nobody", isAdmin: true } });
    const result = await decideAccessRequest(database.prisma, stranger, { requestId: request.id, step: 0, decision: "APPROVE" }, { channels: none }).catch((e: unknown) => e);
    expect(result).toMatchObject({ code: "FORBIDDEN" });
    await unchanged(request.id);
  });
});

describe("inbox: who sees a pending request", () => {
  it.each([
    ["requester", false],
    ["approver", true],
    ["anotherApprover", false],
    ["admin", false],
  ] as const)("%s sees it: %s", async (identity, sees) => {
    const request = await f.createRequest({ steps: [f.leadsStep] });
    const inbox = await listApproverInbox(database.prisma, who(identity).user);
    expect(inbox.items.some((i) => i.id === request.id)).toBe(sees);
  });
});

describe("inbox: one's own request never shows, by either identity", () => {
  it("hidden by portal user id even when the request carries no Principal", async () => {
    const own = await f.createRequest({ by: f.avery, requesterPrincipalId: null, steps: [f.leadsStep] });
    expect((await listApproverInbox(database.prisma, f.avery.user)).items.some((i) => i.id === own.id)).toBe(false);
  });
  it("hidden by Identity Center user even when the portal user ids differ", async () => {
    const own = await f.createRequest({ by: { user: f.riley.user, principal: f.avery.principal }, steps: [f.leadsStep] });
    expect((await listApproverInbox(database.prisma, f.avery.user)).items.some((i) => i.id === own.id)).toBe(false);
  });
});

describe("notifications: each user reads and marks only their own", () => {
  it.each(["requester", "approver", "anotherApprover", "admin"] as const)("%s cannot read or mark Riley's notification", async (identity) => {
    const note = await database.prisma.notification.create({ data: { userId: f.riley.user.id, kind: "test", title: "Riley only" } });
    const own = identity === "requester";
    const listed = await listNotifications(database.prisma, who(identity).user.id, { limit: 100 });
    expect(listed.items.some((n) => n.id === note.id)).toBe(own);
    expect(await markNotificationsRead(database.prisma, who(identity).user.id, { ids: [note.id] })).toEqual({ marked: own ? 1 : 0 });
  });
});
