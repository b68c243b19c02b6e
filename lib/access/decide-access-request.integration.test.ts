import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { TDatabase } from "../db/open-database.ts";
import { verifyAuditChain } from "../audit/verify-audit-chain.ts";
import { workerSignal } from "../provisioning/kick-worker.ts";
import { decideAccessRequest } from "./decide-access-request.ts";
import { listApproverInbox } from "./list-approver-inbox.ts";
import { findStepApprovers } from "../notifications/find-step-approvers.ts";
import { NO_CHANNELS, openApprovalFixture, type TFixture } from "./approval-fixtures.test-helper.ts";

let database: TDatabase;
let f: TFixture;
const none = NO_CHANNELS;

beforeAll(async () => {
  ({ database, f } = await openApprovalFixture());
});
afterAll(async () => database?.close());

let kicks = 0;
beforeEach(() => {
  kicks = 0;
  workerSignal.removeAllListeners("kick");
  workerSignal.on("kick", () => (kicks += 1));
});

const decide = (who: { id: string; email: string; name: string | null }, requestId: string, step: number, decision: "APPROVE" | "DENY", comment = "") =>
  decideAccessRequest(database.prisma, who, { requestId, step, decision, comment }, { channels: none });

const auditActions = async (requestId: string) =>
  (await database.prisma.auditEvent.findMany({ where: { subjectId: requestId }, orderBy: { seq: "asc" } })).map((e) => e.action);

describe("decideAccessRequest", () => {
  it("approves a one-step request: grant created, audited, requester notified, worker kicked", async () => {
    const request = await f.createRequest({ steps: [f.leadsStep] });
    const result = await decide(f.avery.actor, request.id, 0, "APPROVE", "ok for an hour");
    expect(result.outcome).toBe("APPROVED");
    const after = await database.prisma.accessRequest.findUniqueOrThrow({ where: { id: request.id }, include: { grant: true, approvals: true } });
    expect(after.status).toBe("APPROVED");
    expect(after.decidedAt).not.toBeNull();
    expect(after.grant).toMatchObject({ state: "APPROVED", kind: "TEMP_PERMISSION_SET", awsAccountId: "222222222222", userId: f.riley.user.id });
    expect(after.approvals).toEqual([expect.objectContaining({ approverId: f.avery.user.id, step: 0, decision: "APPROVE", comment: "ok for an hour" })]);
    expect(await auditActions(request.id)).toEqual(["approval.approved", "request.approved"]);
    expect(await database.prisma.auditEvent.count({ where: { action: "grant.created", subjectId: after.grant!.id } })).toBe(1);
    const note = await database.prisma.notification.findFirst({ where: { userId: f.riley.user.id, kind: "request.approved" } });
    expect(note?.title).toContain("prod-platform-logs");
    expect(kicks).toBe(1);
    expect((await verifyAuditChain(database.prisma)).ok).toBe(true);
  });

  it("refuses a denial without a comment and denies with one", async () => {
    const request = await f.createRequest({ steps: [f.leadsStep] });
    await expect(decide(f.avery.actor, request.id, 0, "DENY", "   ")).rejects.toMatchObject({ code: "INVALID_INPUT", userMessage: expect.stringMatching(/why/) });
    expect(await database.prisma.approval.count({ where: { requestId: request.id } })).toBe(0);
    const result = await decide(f.avery.actor, request.id, 0, "DENY", "Use the staging copy instead");
    expect(result.outcome).toBe("DENIED");
    const after = await database.prisma.accessRequest.findUniqueOrThrow({ where: { id: request.id }, include: { grant: true } });
    expect(after).toMatchObject({ status: "DENIED", grant: null });
    expect(after.decidedAt).not.toBeNull();
    expect(await auditActions(request.id)).toEqual(["approval.denied", "request.denied"]);
    const note = await database.prisma.notification.findFirst({ where: { userId: f.riley.user.id, kind: "request.denied" }, orderBy: { createdAt: "desc" } });
    expect(note?.body).toContain("Use the staging copy instead");
    expect(kicks).toBe(0);
  });

  it("walks two steps: advancing notifies the next step's approvers, the last approval finalizes", async () => {
    const request = await f.createRequest({ steps: [f.leadsStep, f.securityStep] });
    await expect(decide(f.sam.actor, request.id, 0, "APPROVE")).rejects.toMatchObject({ code: "FORBIDDEN" });
    const first = await decide(f.avery.actor, request.id, 0, "APPROVE");
    expect(first.outcome).toBe("ADVANCED");
    const mid = await database.prisma.accessRequest.findUniqueOrThrow({ where: { id: request.id } });
    expect(mid).toMatchObject({ status: "PENDING", currentStep: 1 });
    // Sam and Adrian (Security) are told it waits for them; Avery is not asked again.
    const waiting = await database.prisma.notification.findMany({ where: { kind: "request.awaiting_decision", createdAt: { gte: mid.updatedAt } } });
    expect(new Set(waiting.map((n) => n.userId))).toEqual(new Set([f.sam.user.id, f.adrian.user.id]));
    // Avery's step-0 view is stale now, and she is not in step 1.
    await expect(decide(f.avery.actor, request.id, 1, "APPROVE")).rejects.toMatchObject({ code: "FORBIDDEN" });
    const second = await decide(f.sam.actor, request.id, 1, "APPROVE");
    expect(second.outcome).toBe("APPROVED");
    expect(await auditActions(request.id)).toEqual(["approval.approved", "request.step_completed", "approval.approved", "request.approved"]);
  });

  it("two steps need two different people, even when one approver is in both", async () => {
    const both = { name: "Leads or Security", userIds: [f.avery.principal.id, f.sam.principal.id], groupIds: [], quorum: 1 };
    const request = await f.createRequest({ steps: [both, { ...both, name: "Second pair of eyes" }] });
    const before = new Date();
    expect((await decide(f.avery.actor, request.id, 0, "APPROVE")).outcome).toBe("ADVANCED");
    // Avery is not asked again, cannot approve again, and does not see it in her inbox.
    const asked = await database.prisma.notification.findMany({ where: { kind: "request.awaiting_decision", createdAt: { gte: before } } });
    expect(asked.map((n) => n.userId)).toEqual([f.sam.user.id]);
    await expect(decide(f.avery.actor, request.id, 1, "APPROVE")).rejects.toMatchObject({ code: "FORBIDDEN", userMessage: expect.stringMatching(/each step needs a different approver/) });
    expect((await listApproverInbox(database.prisma, f.avery.actor)).items.map((i) => i.id)).not.toContain(request.id);
    expect((await listApproverInbox(database.prisma, f.sam.actor)).items.map((i) => i.id)).toContain(request.id);
    expect((await decide(f.sam.actor, request.id, 1, "APPROVE")).outcome).toBe("APPROVED");
  });

  it("counts distinct approvers toward a quorum and refuses a second decision by the same approver", async () => {
    const request = await f.createRequest({ steps: [{ name: "Two of us", userIds: [f.avery.principal.id, f.sam.principal.id], groupIds: [], quorum: 2 }] });
    expect((await decide(f.avery.actor, request.id, 0, "APPROVE")).outcome).toBe("RECORDED");
    await expect(decide(f.avery.actor, request.id, 0, "APPROVE")).rejects.toMatchObject({ code: "CONFLICT", userMessage: expect.stringMatching(/already decided/) });
    expect(await database.prisma.accessRequest.findUniqueOrThrow({ where: { id: request.id } })).toMatchObject({ status: "PENDING", currentStep: 0 });
    expect((await decide(f.sam.actor, request.id, 0, "APPROVE")).outcome).toBe("APPROVED");
  });

  it("changes nothing on a request that was decided, cancelled, timed out, or moved on, and says so", async () => {
    const cases = [
      { status: "APPROVED" as const, message: /already approved/ },
      { status: "DENIED" as const, message: /already denied/ },
      { status: "CANCELLED" as const, message: /cancelled/ },
      { status: "TIMED_OUT" as const, message: /timed out/ },
    ];
    for (const c of cases) {
      const request = await f.createRequest({ steps: [f.leadsStep], status: c.status });
      await expect(decide(f.avery.actor, request.id, 0, "APPROVE")).rejects.toMatchObject({ code: "CONFLICT", userMessage: expect.stringMatching(c.message) });
      expect(await database.prisma.approval.count({ where: { requestId: request.id } })).toBe(0);
      expect((await database.prisma.accessRequest.findUniqueOrThrow({ where: { id: request.id } })).status).toBe(c.status);
    }
    const overdue = await f.createRequest({ steps: [f.leadsStep], pendingExpiresAt: new Date(Date.now() - 1000) });
    await expect(decide(f.avery.actor, overdue.id, 0, "APPROVE")).rejects.toMatchObject({ code: "CONFLICT", userMessage: expect.stringMatching(/timed out/) });
    // Avery may decide both steps; her page still shows step 1 after step 1 finished: refused, unchanged.
    const both = { name: "Avery", userIds: [f.avery.principal.id], groupIds: [], quorum: 1 };
    const moved = await f.createRequest({ steps: [both, both], currentStep: 1 });
    await expect(decide(f.avery.actor, moved.id, 0, "APPROVE")).rejects.toMatchObject({ code: "CONFLICT", userMessage: expect.stringMatching(/moved on/) });
    expect(await database.prisma.approval.count({ where: { requestId: moved.id } })).toBe(0);
    await expect(decide(f.avery.actor, "does-not-exist", 0, "APPROVE")).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("refuses to approve what only a since disabled or deleted policy allowed; denying still works", async () => {
    const policy = await database.prisma.policy.create({ data: { name: "brake", approvalSteps: [f.leadsStep], allowEveryone: true } });
    const withPolicy = async () => {
      const r = await f.createRequest({ steps: [f.leadsStep] });
      return database.prisma.accessRequest.update({ where: { id: r.id }, data: { policyId: policy.id, policySnapshot: { ...(r.policySnapshot as object), matchedPolicyIds: [policy.id] } } });
    };
    const approvable = await withPolicy();
    const blocked = await withPolicy();
    expect((await decide(f.avery.actor, approvable.id, 0, "APPROVE")).outcome).toBe("APPROVED");
    await database.prisma.policy.update({ where: { id: policy.id }, data: { enabled: false } });
    await expect(decide(f.avery.actor, blocked.id, 0, "APPROVE")).rejects.toMatchObject({ code: "CONFLICT", userMessage: expect.stringMatching(/disabled or deleted/) });
    expect(await database.prisma.approval.count({ where: { requestId: blocked.id } })).toBe(0);
    expect((await decide(f.avery.actor, blocked.id, 0, "DENY", "policy withdrawn")).outcome).toBe("DENIED");
  });

  it("refuses to approve a request whose target left the catalog while it waited; denying still works", async () => {
    const db = database.prisma;
    const changes: [string, () => Promise<unknown>, () => Promise<unknown>][] = [
      ["bucket removed", () => db.resource.update({ where: { id: f.bucket.id }, data: { deletedAt: new Date() } }), () => db.resource.update({ where: { id: f.bucket.id }, data: { deletedAt: null } })],
      ["account suspended", () => db.account.update({ where: { id: f.account.id }, data: { state: "SUSPENDED" } }), () => db.account.update({ where: { id: f.account.id }, data: { state: "ACTIVE" } })],
      ["integration disabled", () => db.integration.update({ where: { id: f.integration.id }, data: { enabled: false } }), () => db.integration.update({ where: { id: f.integration.id }, data: { enabled: true } })],
    ];
    for (const [what, change, undo] of changes) {
      const request = await f.createRequest({ steps: [f.leadsStep] });
      await change();
      try {
        await expect(decide(f.avery.actor, request.id, 0, "APPROVE"), what).rejects.toMatchObject({ code: "CONFLICT", userMessage: expect.stringMatching(/no longer available/) });
        expect(await db.grant.count({ where: { requestId: request.id } }), what).toBe(0);
        expect((await decide(f.avery.actor, request.id, 0, "DENY", "gone")).outcome, what).toBe("DENIED");
      } finally {
        await undo();
      }
    }
  });

  it("judges by the snapshot frozen at submission, not the live policy", async () => {
    const policy = await database.prisma.policy.create({
      data: { name: "live", approvalSteps: [{ name: "Security now", userIds: [], groupIds: [f.security.id], quorum: 1 }], allowEveryone: true },
    });
    const request = await f.createRequest({ steps: [f.leadsStep] });
    await database.prisma.accessRequest.update({ where: { id: request.id }, data: { policyId: policy.id } });
    await expect(decide(f.sam.actor, request.id, 0, "APPROVE")).rejects.toMatchObject({ code: "FORBIDDEN" });
    expect((await decide(f.avery.actor, request.id, 0, "APPROVE")).outcome).toBe("APPROVED");
  });

  it("two approvers approving a quorum-1 step at the same moment approve once", async () => {
    for (let round = 0; round < 5; round++) {
      const request = await f.createRequest({ steps: [{ name: "Either", userIds: [f.avery.principal.id, f.sam.principal.id], groupIds: [], quorum: 1 }] });
      const results = await Promise.allSettled([decide(f.avery.actor, request.id, 0, "APPROVE"), decide(f.sam.actor, request.id, 0, "APPROVE")]);
      expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
      const rejected = results.find((r) => r.status === "rejected");
      expect(rejected?.reason).toMatchObject({ code: "CONFLICT" });
      const after = await database.prisma.accessRequest.findUniqueOrThrow({ where: { id: request.id }, include: { approvals: true, grant: true } });
      expect(after.status).toBe("APPROVED");
      expect(after.approvals).toHaveLength(1);
      expect(after.grant).not.toBeNull();
      expect(await database.prisma.auditEvent.count({ where: { subjectId: request.id, action: "request.approved" } })).toBe(1);
    }
  });

  it("two approvers completing a quorum-2 step at the same moment advance it exactly once", async () => {
    for (let round = 0; round < 5; round++) {
      const request = await f.createRequest({
        steps: [{ name: "Both", userIds: [f.avery.principal.id, f.sam.principal.id], groupIds: [], quorum: 2 }, f.securityStep],
      });
      const results = await Promise.allSettled([decide(f.avery.actor, request.id, 0, "APPROVE"), decide(f.sam.actor, request.id, 0, "APPROVE")]);
      expect(results.map((r) => r.status)).toEqual(["fulfilled", "fulfilled"]);
      const outcomes = results.map((r) => (r.status === "fulfilled" ? r.value.outcome : null)).sort();
      expect(outcomes).toEqual(["ADVANCED", "RECORDED"]);
      const after = await database.prisma.accessRequest.findUniqueOrThrow({ where: { id: request.id } });
      expect(after).toMatchObject({ status: "PENDING", currentStep: 1 });
      expect(await database.prisma.auditEvent.count({ where: { subjectId: request.id, action: "request.step_completed" } })).toBe(1);
    }
    expect((await verifyAuditChain(database.prisma)).ok).toBe(true);
  });
  it("does not let a group the portal granted for a few hours make its holder an approver", async () => {
    // Sam holds "Platform Leads" only through a portal grant (a requestable group): two people with such a
    // grant could otherwise approve each other's requests.
    const groupRequest = await f.createRequest({ by: f.sam, steps: [f.securityStep], status: "APPROVED" });
    const grant = await database.prisma.grant.create({
      data: {
        requestId: groupRequest.id, integrationId: f.integration.id, userId: f.sam.user.id, kind: "GROUP_MEMBERSHIP", state: "ACTIVE",
        principalId: f.sam.principal.awsId, groupAwsId: f.leads.awsId, membershipId: "m-sam-leads", preExisting: false,
        startsAt: new Date(), expiresAt: new Date(Date.now() + 3600_000),
      },
    });
    const membership = await database.prisma.principalMembership.create({ data: { groupId: f.leads.id, memberId: f.sam.principal.id, membershipId: "m-sam-leads" } });
    try {
      const request = await f.createRequest({ steps: [f.leadsStep] });
      await expect(decide(f.sam.actor, request.id, 0, "APPROVE")).rejects.toMatchObject({ code: "FORBIDDEN" });
      expect((await listApproverInbox(database.prisma, f.sam.actor)).items.map((i) => i.id)).not.toContain(request.id);
      const approvers = await database.prisma.$transaction((tx) => findStepApprovers(tx, { step: f.leadsStep, requesterPrincipalId: f.riley.principal.id, requesterUserId: f.riley.user.id }));
      expect(approvers.map((a) => a.principalId)).toEqual([f.avery.principal.id]);
      // A failed grant still cleaning up may still hold the membership; once its cleanup ended it does not.
      const inbox = async () => (await listApproverInbox(database.prisma, f.sam.actor)).items.map((i) => i.id);
      await database.prisma.grant.update({ where: { id: grant.id }, data: { state: "FAILED", step: "REMOVE_MEMBERSHIP" } });
      expect(await inbox()).not.toContain(request.id);
      await database.prisma.grant.update({ where: { id: grant.id }, data: { step: null } });
      expect(await inbox()).toContain(request.id);
      await database.prisma.grant.update({ where: { id: grant.id }, data: { state: "ACTIVE" } });
      expect(await inbox()).not.toContain(request.id);
      // Standing membership the worker found before granting (preExisting) still counts.
      await database.prisma.grant.update({ where: { id: grant.id }, data: { preExisting: true } });
      expect((await listApproverInbox(database.prisma, f.sam.actor)).items.map((i) => i.id)).toContain(request.id);
      expect((await decide(f.sam.actor, request.id, 0, "APPROVE")).outcome).toBe("APPROVED");
    } finally {
      await database.prisma.principalMembership.delete({ where: { id: membership.id } });
    }
  });
});
