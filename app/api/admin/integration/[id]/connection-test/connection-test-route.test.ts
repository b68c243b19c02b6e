import { describe, expect, it, vi } from "vitest";

const authenticate = vi.fn(async () => ({ id: "admin", email: "admin@example.com", name: null, isAdmin: true, groups: [] }));
vi.mock("@/lib/auth/current-user", () => ({ authenticate }));

const { POST } = await import("./route");

describe("POST connection-test", () => {
  it("refuses a post the browser marks as cross-site, before authenticating or calling AWS", async () => {
    const req = new Request("http://x/api/admin/integration/i1/connection-test", { method: "POST", headers: { "sec-fetch-site": "same-site" } });
    const res = await POST(req, { params: Promise.resolve({ id: "i1" }) });
    expect(res.status).toBe(403);
    expect(authenticate).not.toHaveBeenCalled();
  });
});
