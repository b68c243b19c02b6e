import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase } from "../db/test-database.ts";
import type { TDatabase } from "../db/open-database.ts";
import { seedCatalogFixture, type TCatalogFixture } from "../catalog/test-fixtures.ts";
import { ADMIN_GRANTS_LIMIT, RECENT_LIMIT, listAdminGrants } from "./list-admin-grants.ts";

let db: TDatabase;
let f: TCatalogFixture;

async function addGrants(state: "ACTIVE" | "FAILED" | "PROVISIONING" | "EXPIRED", n: number, prefix: string) {
  const p = db.prisma;
  const now = Date.now();
  const ids = Array.from({ length: n }, (_, i) => `${prefix}-${String(i).padStart(4, "0")}`);
  await p.accessRequest.createMany({
    data: ids.map((id) => ({
      id,
      integrationId: f.integrationId,
      requesterId: f.users.riley.id,
      targetType: "RESOURCE" as const,
      resourceId: f.resources.prodBucket.id,
      accessLevel: "read",
      durationMinutes: 60,
      status: "APPROVED" as const,
    })),
  });
  await p.grant.createMany({
    data: ids.map((id, i) => ({
      id: `g-${id}`,
      requestId: id,
      integrationId: f.integrationId,
      userId: f.users.riley.id,
      kind: "TEMP_PERMISSION_SET" as const,
      state,
      startsAt: new Date(now - 3_600_000),
      expiresAt: new Date(now + (i + 1) * 60_000),
      ...(state === "FAILED" ? { lastError: "AccessDenied", endedAt: new Date(now) } : {}),
      ...(state === "EXPIRED" ? { endedAt: new Date(now - i * 1_000) } : {}),
    })),
  });
}

beforeAll(async () => {
  db = await createTestDatabase();
  f = await seedCatalogFixture(db.prisma);
});
afterAll(async () => db?.close());

describe("listAdminGrants", () => {
  it("is complete and not truncated when everything fits", async () => {
    await addGrants("FAILED", 2, "failed");
    await addGrants("PROVISIONING", 1, "prov");
    const grants = await listAdminGrants(db.prisma);
    expect(grants.truncated).toBe(false);
    expect(grants.totals).toEqual({ live: 1, active: 0, failed: 2 });
    expect(grants.live.map((g) => g.state)).toEqual(["FAILED", "FAILED", "PROVISIONING"]);
  });

  it("keeps failed grants when live ones fill the list, counts all of them and says it is cut short", async () => {
    await addGrants("ACTIVE", ADMIN_GRANTS_LIMIT, "active");
    const grants = await listAdminGrants(db.prisma);
    expect(
      grants.live
        .filter((g) => g.state === "FAILED")
        .map((g) => g.id)
        .sort(),
    ).toEqual(["g-failed-0000", "g-failed-0001"]);
    expect(grants.live.filter((g) => g.state !== "FAILED")).toHaveLength(ADMIN_GRANTS_LIMIT);
    expect(grants.totals).toEqual({ live: ADMIN_GRANTS_LIMIT + 1, active: ADMIN_GRANTS_LIMIT, failed: 2 });
    expect(grants.truncated).toBe(true);
  });

  it("shows the newest of the recently ended grants and counts them all", async () => {
    await addGrants("EXPIRED", RECENT_LIMIT + 5, "ended");
    const grants = await listAdminGrants(db.prisma);
    expect(grants.recent).toHaveLength(RECENT_LIMIT);
    expect(grants.recentTotal).toBe(RECENT_LIMIT + 5);
    expect(grants.recent[0]!.id).toBe("g-ended-0000");
  });
  it("reports reconciling per integration: the last complete pass with its continuations, and a run in progress", async () => {
    const p = db.prisma;
    const t = Date.now() - 3_600_000;
    const finding = { kind: "LEFTOVER_ASSIGNMENT", awsAccountId: "222222222222", permissionSetArn: null, principalId: null, action: "REPORTED", detail: "left by a crashed worker" };
    await p.reconcileRun.createMany({
      data: [
        { integrationId: f.integrationId, trigger: "SCHEDULE", status: "PARTIAL", startedAt: new Date(t), finishedAt: new Date(t + 48_000), findings: [finding], resumeAfterArn: "arn:aws:sso:::permissionSet/ssoins-1/ps-5" },
        { integrationId: f.integrationId, trigger: "SCHEDULE", status: "SUCCEEDED", startedAt: new Date(t + 60_000), finishedAt: new Date(t + 70_000), findings: [] },
        { integrationId: f.integrationId, trigger: "MANUAL", status: "RUNNING", startedAt: new Date(Date.now() - 60_000) },
      ],
    });
    const { reconcile } = await listAdminGrants(p);
    expect(reconcile).toHaveLength(1);
    expect(reconcile[0]!.running).toMatchObject({ trigger: "MANUAL" });
    expect(reconcile[0]!.report).toMatchObject({ runs: 2, status: "PARTIAL", unfinished: false, findings: [expect.objectContaining({ detail: "left by a crashed worker" })] });
  });
});
