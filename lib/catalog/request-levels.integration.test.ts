import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createTestDatabase } from "../db/test-database.ts";
import type { TDatabase } from "../db/open-database.ts";
import { listCatalog } from "./list-catalog.ts";
import { ZCatalogQuery } from "./catalog-query";
import { getRequestForm } from "./get-request-form.ts";
import { seedCatalogFixture, type TCatalogFixture } from "./test-fixtures.ts";

/**
 * The form and the catalog judge each access level on its own, as submitting it does: a policy for
 * another level (its approval, its maximum, broken steps, a step only the requester could approve) has no
 * say over a level it does not grant.
 */

let database: TDatabase;
let f: TCatalogFixture;

beforeAll(async () => {
  database = await createTestDatabase();
  f = await seedCatalogFixture(database.prisma);
});
afterAll(async () => {
  await database?.close();
});
beforeEach(async () => {
  await database.prisma.policy.deleteMany({});
});

/** P1: everyone may read the dev bucket, automatically, 8 h. P2: read-write, one approval step, 1 h. */
async function seedPolicies(write: { approvalSteps: unknown }) {
  const scope = { integrationId: f.integrationId, resourceIds: [f.resources.devBucket.id] };
  await database.prisma.policy.create({
    data: { ...scope, name: "P1 read", accessLevels: ["read"], allowEveryone: true, autoApprove: true, maxDurationMinutes: 480, requireJustification: false },
  });
  await database.prisma.policy.create({
    data: {
      ...scope,
      name: "P2 write",
      accessLevels: ["read-write"],
      allowEveryone: true,
      autoApprove: false,
      maxDurationMinutes: 60,
      approvalSteps: write.approvalSteps as object,
    },
  });
}

const form = (email: string) =>
  getRequestForm(database.prisma, { userEmail: email, target: { kind: "RESOURCE", resourceId: f.resources.devBucket.id } });

async function badge(email: string) {
  const page = await listCatalog(database.prisma, { userEmail: email, query: ZCatalogQuery.parse({ q: "platform-dev-app-0" }) });
  const item = page.accounts.flatMap((a) => a.items).find((i) => i.id === f.resources.devBucket.id);
  if (!item) throw new Error("dev bucket not listed");
  return item.eligibility;
}

describe("request form and catalog: levels judged one by one", () => {
  it("offers read to the only approver of the write policy (Riley), with read's rules", async () => {
    await seedPolicies({ approvalSteps: [{ name: "Lead", userIds: [f.principals.riley.id], groupIds: [], quorum: 1 }] });
    const result = await form("riley@example.com");
    if (!result.eligible) throw new Error(`not eligible: ${result.reasons.join("; ")}`);
    expect(result.levels.map((l) => [l.id, l.autoApprove, l.maxDurationMinutes, l.requireJustification])).toEqual([["read", true, 480, false]]);
    expect(await badge("riley@example.com")).toMatchObject({ eligible: true, autoApprove: true, maxDurationMinutes: 480, summary: "Approved automatically · up to 8 h" });

    // Anyone else may also ask for read-write, under its own rules.
    const avery = await form("avery@example.com");
    if (!avery.eligible) throw new Error(`not eligible: ${avery.reasons.join("; ")}`);
    expect(avery.levels.map((l) => [l.id, l.autoApprove, l.maxDurationMinutes])).toEqual([
      ["read", true, 480],
      ["read-write", false, 60],
    ]);
    expect(avery.levels[1]!.approvalSteps).toEqual([{ name: "Lead", quorum: 1, approvers: ["Riley Park"] }]);
  });

  it("a write policy with malformed steps does not hide read", async () => {
    await seedPolicies({ approvalSteps: [{ name: "broken" }] });
    for (const email of ["riley@example.com", "sam@example.com"]) {
      const result = await form(email);
      if (!result.eligible) throw new Error(`${email} not eligible: ${result.reasons.join("; ")}`);
      expect(result.levels.map((l) => l.id)).toEqual(["read"]);
      expect(await badge(email)).toMatchObject({ eligible: true, autoApprove: true, maxDurationMinutes: 480 });
    }
  });

  it("the catalog badge describes the automatic read level, not the strictest rules over every level", async () => {
    await seedPolicies({ approvalSteps: [{ name: "Lead", userIds: [f.principals.avery.id], groupIds: [], quorum: 1 }] });
    const eligibility = await badge("riley@example.com");
    expect(eligibility).toMatchObject({ eligible: true, autoApprove: true, maxDurationMinutes: 480, summary: "Automatic for Read · up to 8 h" });
    if (eligibility.eligible) {
      expect(eligibility.allowedAccessLevels).toEqual([
        { id: "read", label: "Read", autoApprove: true, maxDurationMinutes: 480 },
        { id: "read-write", label: "Read and write", autoApprove: false, maxDurationMinutes: 60 },
      ]);
    }
  });

  it("refuses with the levels' reasons only when no level can be requested", async () => {
    await database.prisma.policy.create({
      data: {
        integrationId: f.integrationId,
        resourceIds: [f.resources.devBucket.id],
        name: "P2 write only",
        accessLevels: ["read-write"],
        allowEveryone: true,
        approvalSteps: [{ name: "Lead", userIds: [f.principals.riley.id], groupIds: [], quorum: 1 }],
      },
    });
    const result = await form("riley@example.com");
    expect(result).toMatchObject({ eligible: false, reasons: [expect.stringMatching(/Approval step "Lead" needs 1 approver\(s\) other than you/)] });
    expect(await badge("riley@example.com")).toMatchObject({ eligible: false });
    expect(await badge("avery@example.com")).toMatchObject({ eligible: true, autoApprove: false, maxDurationMinutes: 60, summary: "Needs approval · up to 1 h" });
  });
});
