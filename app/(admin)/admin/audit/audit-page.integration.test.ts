import { renderToStaticMarkup } from "react-dom/server";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { appendAuditEvent } from "@/lib/audit/append-audit-event";
import { setDatabase } from "@/lib/db/client";
import { createTestDatabase } from "@/lib/db/test-database";
import type { TDatabase } from "@/lib/db/open-database";

vi.mock("@/lib/auth/current-user", () => ({
  requireAdminPage: async () => ({ id: "admin", email: "admin@example.com", name: null, isAdmin: true, groups: [] }),
}));
const verify = vi.hoisted(() => vi.fn());
vi.mock("@/lib/audit/verify-audit-chain", () => ({ verifyAuditChain: verify }));

const { default: AuditPage } = await import("./page");

let database: TDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
  setDatabase(database);
  for (const action of ["test.alpha", "test.beta", "other.gamma"]) {
    await database.prisma.$transaction((tx) =>
      appendAuditEvent(tx, { actor: "system", action, subjectType: "Test", awsAccountId: "111111111111" }),
    );
  }
});
afterAll(async () => {
  await database?.close();
});

async function render(searchParams: Record<string, string>) {
  const page = await AuditPage({ searchParams: Promise.resolve(searchParams) });
  return renderToStaticMarkup(page);
}

describe("audit page", () => {
  it("lists filtered events without walking the whole hash chain on each view", async () => {
    const html = await render({ action: "test." });
    expect(html).toContain("test.alpha");
    expect(html).toContain("test.beta");
    expect(html).not.toContain("other.gamma");
    expect(html).toContain("Verify chain now");
    expect(verify).not.toHaveBeenCalled();
  });

  it("shows why an invalid filter was not applied, keeps what was typed and lists nothing unfiltered", async () => {
    const html = await render({ action: "test.", account: "12345", from: "2026-13-45" });
    expect(html).toContain("The filter was not applied");
    expect(html).toContain("AWS account: an account id has 12 digits");
    expect(html).toContain("From (UTC): “2026-13-45” is not a date like 2026-11-28");
    expect(html).toMatch(/id="audit-account"[^>]*value="12345"/);
    expect(html).toMatch(/id="audit-action"[^>]*value="test."/);
    expect(html).toMatch(/id="audit-account"[^>]*aria-invalid="true"/);
    expect(html).not.toContain("other.gamma");
    expect(html).not.toContain("test.alpha");
    expect(html).not.toContain("Export CSV");
  });

  it("says when From is after To", async () => {
    const html = await render({ from: "2026-11-28", to: "2026-11-01" });
    expect(html).toContain("To (UTC): must be on or after From");
  });
});
