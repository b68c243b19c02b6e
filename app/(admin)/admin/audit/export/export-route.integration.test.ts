import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { TPortalUser } from "@/lib/auth/current-user";
import { setDatabase } from "@/lib/db/client";
import { createTestDatabase } from "@/lib/db/test-database";
import type { TDatabase } from "@/lib/db/open-database";

const signedIn: { user: TPortalUser | null } = { user: null };
vi.mock("@/lib/auth/current-user", () => ({ getCurrentUser: async () => signedIn.user }));

const { GET } = await import("./route");

// More than the 50,000 rows the export used to stop at, in more than one page.
const EVENTS = 50_123;
let database: TDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
  setDatabase(database);
  // Bulk rows straight in SQL (the export does not check the chain); actor b@ on every 1000th.
  await database.exec(`
    INSERT INTO "AuditEvent" (id, action, "subjectType", "subjectId", "actorEmail", "prevHash", hash, "createdAt")
    SELECT 'ev' || g, CASE WHEN g % 2 = 0 THEN 'test.even' ELSE 'test.odd' END, 'Test', g::text,
           CASE WHEN g % 1000 = 0 THEN 'b@example.com' WHEN g = 7 THEN '=HYPERLINK("http://evil.example")@x.example' ELSE 'a@example.com' END, 'p' || g, 'h' || g, now()
    FROM generate_series(1, ${EVENTS}) AS g`);
}, 120_000);
afterAll(async () => {
  await database?.close();
});

async function exportCsv(search = "") {
  const res = await GET(new Request(`http://x/admin/audit/export${search}`));
  return { status: res.status, type: res.headers.get("content-type"), text: await res.text() };
}

describe("GET /admin/audit/export", () => {
  it("streams every matching event, newest first, past 50,000 rows", async () => {
    signedIn.user = { id: "admin", email: "admin@example.com", name: null, isAdmin: true, groups: [] };
    const csv = await exportCsv();
    expect(csv.status).toBe(200);
    expect(csv.type).toMatch(/^text\/csv/);
    const lines = csv.text.trimEnd().split("\n");
    expect(lines[0]).toBe("seq,time,actor,action,subject_type,subject_id,aws_account_id,details,prev_hash,hash");
    // The export records itself first, so it is the newest event of its own file.
    expect(lines).toHaveLength(EVENTS + 2);
    expect(lines[1]).toMatch(new RegExp(`^${EVENTS + 1},[^,]+,admin@example.com,audit.exported,`));
    expect(lines[2]).toMatch(new RegExp(`^${EVENTS},`));
    expect(lines.at(-1)).toMatch(/^1,/);
  }, 120_000);

  it("applies the filter across pages", async () => {
    const csv = await exportCsv("?action=test.even");
    const lines = csv.text.trimEnd().split("\n");
    expect(lines).toHaveLength(Math.floor(EVENTS / 2) + 1);
    expect(lines.slice(1).every((l) => l.includes(",test.even,"))).toBe(true);
  }, 120_000);

  it("neutralises a cell that a spreadsheet would run as a formula", async () => {
    const csv = await exportCsv("?actor=HYPERLINK");
    const row = csv.text.trimEnd().split("\n")[1]!;
    expect(row).toContain(`"'=HYPERLINK(""http://evil.example"")@x.example"`);
  });

  it("refuses a non-admin and an invalid filter", async () => {
    signedIn.user = { id: "u", email: "u@example.com", name: null, isAdmin: false, groups: [] };
    expect((await exportCsv()).status).toBe(403);
    signedIn.user = { id: "admin", email: "admin@example.com", name: null, isAdmin: true, groups: [] };
    expect((await exportCsv("?from=yesterday")).status).toBe(400);
  });

  it("refuses a download another site started, before recording anything", async () => {
    signedIn.user = { id: "admin", email: "admin@example.com", name: null, isAdmin: true, groups: [] };
    const before = await database.prisma.auditEvent.count({ where: { action: "audit.exported" } });
    const res = await GET(new Request("http://x/admin/audit/export?actor=planted", { headers: { "sec-fetch-site": "cross-site" } }));
    expect(res.status).toBe(403);
    expect(await database.prisma.auditEvent.count({ where: { action: "audit.exported" } })).toBe(before);
    // The admin's own link (same origin) and a typed address still work.
    for (const site of ["same-origin", "none"]) {
      const ok = await GET(new Request("http://x/admin/audit/export?action=none.such", { headers: { "sec-fetch-site": site } }));
      expect(ok.status).toBe(200);
      await ok.text();
    }
  });
});
