import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase } from "../db/test-database.ts";
import type { TDatabase } from "../db/open-database.ts";
import { seedCatalogFixture, type TCatalogFixture } from "../catalog/test-fixtures.ts";
import { seedDemoPolicies, DEMO_POLICY_NAMES } from "../demo/seed-demo-policies.ts";
import { createPolicy } from "./create-policy.ts";
import { deletePolicy } from "./delete-policy.ts";
import { setPolicyEnabled } from "./set-policy-enabled.ts";
import { updatePolicy } from "./update-policy.ts";
import { listPolicies } from "./list-policies.ts";
import { parsePolicyFormData } from "./parse-policy-form-data.ts";
import { searchPolicyOptions } from "./search-policy-options.ts";

let database: TDatabase;
let f: TCatalogFixture;
const admin = () => ({ id: f.users.adrian.id, email: f.users.adrian.email });

beforeAll(async () => {
  database = await createTestDatabase();
  f = await seedCatalogFixture(database.prisma);
});
afterAll(async () => {
  await database?.close();
});

function form(entries: [string, string][]) {
  const data = new FormData();
  for (const [key, value] of entries) data.append(key, value);
  return data;
}

describe("policy form data", () => {
  it("converts strings, repeated fields, checkboxes and JSON", () => {
    const parsed = parsePolicyFormData(
      form([
        ["name", "Prod read"],
        ["enabled", "on"],
        ["accountIds", "222222222222, 333333333333"],
        ["targetTypes", "S3_BUCKET"],
        ["targetTypes", "SECRET"],
        ["maxDurationMinutes", "120"],
        ["pendingTimeoutMinutes", ""],
        ["approvalSteps", '[{"name":"Leads","groupIds":["g"],"quorum":1}]'],
        ["tagConditions", "not json"],
      ]),
    );
    expect(parsed).toMatchObject({
      name: "Prod read",
      enabled: true,
      autoApprove: false,
      accountIds: ["222222222222", "333333333333"],
      targetTypes: ["S3_BUCKET", "SECRET"],
      maxDurationMinutes: 120,
      pendingTimeoutMinutes: undefined,
      approvalSteps: [{ name: "Leads", groupIds: ["g"], quorum: 1 }],
      tagConditions: "not json",
    });
  });
});

describe("policy CRUD", () => {
  const valid = () => ({
    name: "Prod buckets",
    integrationId: f.integrationId,
    targetTypes: ["S3_BUCKET"],
    orgUnitIds: ["ou-jt01-prod0001"],
    requesterGroupIds: [f.principals.developers.id],
    maxDurationMinutes: 60,
    approvalSteps: [{ name: "Leads", groupIds: [f.principals.leads.id], quorum: 1 }],
  });

  it("creates, refuses invalid input with field messages, refuses duplicates and dangling references", async () => {
    const created = await createPolicy(database.prisma, admin(), valid());
    expect(created).toMatchObject({ name: "Prod buckets", enabled: true, maxDurationMinutes: 60 });
    const audit = await database.prisma.auditEvent.findFirst({ where: { subjectId: created.id } });
    expect(audit).toMatchObject({ action: "policy.created", actorEmail: "adrian@example.com" });

    await expect(createPolicy(database.prisma, admin(), { ...valid(), name: "x", maxDurationMinutes: 5, approvalSteps: [] })).rejects.toMatchObject({
      code: "INVALID_INPUT",
      details: { maxDurationMinutes: [expect.stringContaining("at least 15")], approvalSteps: [expect.stringContaining("approval step")] },
    });
    await expect(createPolicy(database.prisma, admin(), { ...valid(), name: "y", ticketPattern: "([" })).rejects.toMatchObject({ code: "INVALID_INPUT" });
    await expect(createPolicy(database.prisma, admin(), valid())).rejects.toMatchObject({ code: "CONFLICT" });
    await expect(createPolicy(database.prisma, admin(), { ...valid(), name: "z", requesterGroupIds: ["missing"] })).rejects.toMatchObject({
      code: "INVALID_INPUT",
      userMessage: expect.stringContaining("requester groups no longer exist"),
    });
    expect(await database.prisma.policy.count({ where: { name: { in: ["x", "y", "z"] } } })).toBe(0);
  });

  it("refuses what could never be approved: approvers of one integration in a policy for every integration, too few distinct approvers, deleted approvers", async () => {
    await expect(createPolicy(database.prisma, admin(), { ...valid(), name: "everywhere", integrationId: null })).rejects.toMatchObject({
      code: "INVALID_INPUT",
      userMessage: expect.stringContaining("A policy for every integration cannot name requesters or approvers"),
    });
    // Without named people it is fine everywhere (e.g. auto-approved read access).
    const everywhere = await createPolicy(database.prisma, admin(), { ...valid(), name: "everywhere", integrationId: null, requesterGroupIds: [], allowEveryone: true, autoApprove: true, approvalSteps: [] });
    await deletePolicy(database.prisma, admin(), everywhere.id);
    const riley = f.principals.riley.id;
    const twoSteps = [
      { name: "One", userIds: [riley], quorum: 1 },
      { name: "Two", userIds: [riley], quorum: 1 },
    ];
    await expect(createPolicy(database.prisma, admin(), { ...valid(), name: "same person twice", approvalSteps: twoSteps })).rejects.toMatchObject({
      code: "INVALID_INPUT",
      userMessage: expect.stringContaining("need 2 different approvers"),
    });
    await database.prisma.principal.update({ where: { id: f.principals.leads.id }, data: { deletedAt: new Date() } });
    try {
      await expect(createPolicy(database.prisma, admin(), { ...valid(), name: "deleted approvers" })).rejects.toMatchObject({
        code: "INVALID_INPUT",
        userMessage: expect.stringContaining("approver groups no longer exist"),
      });
    } finally {
      await database.prisma.principal.update({ where: { id: f.principals.leads.id }, data: { deletedAt: null } });
    }
  });

  it("updates (refusing a stale edit), disables, enables and deletes, auditing each change", async () => {
    const policy = await database.prisma.policy.findUniqueOrThrow({ where: { name: "Prod buckets" } });
    const updated = await updatePolicy(database.prisma, admin(), policy.id, { ...valid(), maxDurationMinutes: 90 }, policy.updatedAt);
    expect(updated.maxDurationMinutes).toBe(90);
    await expect(updatePolicy(database.prisma, admin(), policy.id, { ...valid(), maxDurationMinutes: 30 }, policy.updatedAt)).rejects.toMatchObject({ code: "CONFLICT" });
    expect((await setPolicyEnabled(database.prisma, admin(), policy.id, false)).enabled).toBe(false);
    expect((await setPolicyEnabled(database.prisma, admin(), policy.id, true)).enabled).toBe(true);
    const listed = (await listPolicies(database.prisma)).find((p) => p.id === policy.id)!;
    expect(listed.nameOf[f.principals.leads.id]).toBe("Platform Leads");
    await deletePolicy(database.prisma, admin(), policy.id);
    await expect(deletePolicy(database.prisma, admin(), policy.id)).rejects.toMatchObject({ code: "NOT_FOUND" });
    const actions = (await database.prisma.auditEvent.findMany({ where: { subjectId: policy.id }, orderBy: { seq: "asc" } })).map((e) => e.action);
    expect(actions).toEqual(["policy.created", "policy.updated", "policy.disabled", "policy.enabled", "policy.deleted"]);
  });

  it("searches discovered data for the pickers", async () => {
    expect((await searchPolicyOptions(database.prisma, { kind: "group", q: "lead" })).map((o) => o.label)).toEqual(["Platform Leads"]);
    expect((await searchPolicyOptions(database.prisma, { kind: "group", q: "former" }))).toEqual([]);
    expect((await searchPolicyOptions(database.prisma, { kind: "user", q: "riley" }))[0]).toMatchObject({ label: "Riley Park", detail: "riley@example.com" });
    expect((await searchPolicyOptions(database.prisma, { kind: "permissionSet", q: "" })).map((o) => o.label)).toEqual(["ReadOnlyAccess"]);
    expect((await searchPolicyOptions(database.prisma, { kind: "resource", q: "PROD-APP" })).map((o) => o.label)).toEqual(["platform-prod-app-0-222222222222"]);
    expect((await searchPolicyOptions(database.prisma, { kind: "account", q: "2222" })).map((o) => o.id)).toEqual(["222222222222"]);
    expect((await searchPolicyOptions(database.prisma, { kind: "orgUnit", q: "prod" })).map((o) => o.id)).toEqual(["ou-jt01-prod0001"]);
  });

  it("seeds the demo policies once, one per delegation model", async () => {
    const first = await seedDemoPolicies(database.prisma, f.integrationId);
    expect(first.created.sort()).toEqual(Object.values(DEMO_POLICY_NAMES).sort());
    const again = await seedDemoPolicies(database.prisma, f.integrationId);
    expect(again.created).toEqual([]);
    const prodS3 = await database.prisma.policy.findUniqueOrThrow({ where: { name: DEMO_POLICY_NAMES.prodS3Read } });
    expect(prodS3).toMatchObject({ autoApprove: false, requireTicket: false, approvalSteps: [{ name: "Platform Leads", userIds: [], groupIds: [f.principals.leads.id], quorum: 1 }] });
  });
});
