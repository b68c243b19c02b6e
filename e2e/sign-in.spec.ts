import { expect, test } from "@playwright/test";
import { DEMO_URL } from "../playwright.config";
import { USERS, signInAsDemo } from "./fixtures";

test("health answers with the database status", async ({ request }) => {
  const res = await request.get(`${DEMO_URL}/api/health`);
  expect(res.status()).toBe(200);
  const body = await res.json();
  expect(body).toMatchObject({ status: "ok", database: { ok: true } });
  // Anyone may ask: the answer names no database kind, host or path.
  expect(JSON.stringify(body)).not.toMatch(/PGlite|PostgreSQL|pglite|\.data/);
});

test("pages carry the security headers: HSTS, and a script policy with a fresh nonce per request", async ({ request }) => {
  const policies: string[] = [];
  for (let i = 0; i < 2; i++) {
    const res = await request.get(`${DEMO_URL}/signin`);
    const headers = res.headers();
    expect(headers["strict-transport-security"]).toContain("max-age=");
    expect(headers["x-frame-options"]).toBe("DENY");
    const csp = headers["content-security-policy"] ?? "";
    const scripts = /script-src ([^;]*)/.exec(csp)?.[1] ?? "";
    expect(scripts).toMatch(/'nonce-[A-Za-z0-9+/=]{16,}' 'strict-dynamic'/);
    expect(scripts).not.toContain("unsafe-inline");
    expect(scripts).not.toContain("unsafe-eval");
    expect(csp).toContain("frame-ancestors 'none'");
    // Style elements need the nonce as well; only style attributes (React's progress bars) are inline.
    expect(/style-src ([^;]*)/.exec(csp)?.[1]).toMatch(/^'self' 'nonce-[A-Za-z0-9+/=]{16,}'$/);
    expect(csp).toContain("style-src-attr 'unsafe-inline'");
    // Next put the nonce on its own scripts, so the page runs under that policy (the sign-in buttons work: other tests).
    const nonce = /'nonce-([^']+)'/.exec(scripts)![1]!;
    expect(await res.text()).toContain(`nonce="${nonce}"`);
    policies.push(csp);
  }
  expect(policies[0]).not.toBe(policies[1]);
  // JSON answers get a fixed policy that allows nothing to run.
  const api = await request.get(`${DEMO_URL}/api/health`);
  expect(api.headers()["content-security-policy"]).toContain("default-src 'none'");
});

test("every page but sign-in requires a session", async ({ page }) => {
  for (const path of ["/catalog", "/requests", "/approvals", "/admin", "/admin/audit"]) {
    await page.goto(path);
    await expect(page).toHaveURL(/\/signin/);
  }
});

for (const [role, user] of Object.entries(USERS)) {
  test(`demo sign-in as ${role} renders the shell`, async ({ page }) => {
    await signInAsDemo(page, user.email);
    const shell = page.getByTestId("signed-in-user");
    await expect(shell).toContainText(user.name);
    await expect(shell).toContainText(role === "admin" ? "admin" : "member");
    const nav = page.getByRole("navigation", { name: "Main" });
    for (const label of ["Catalog", "My requests", "Approvals"]) await expect(nav.getByRole("link", { name: label })).toBeVisible();
    await expect(nav.getByRole("link", { name: "Admin" })).toHaveCount(role === "admin" ? 1 : 0);
    await expect(page.getByRole("heading", { name: "Catalog" })).toBeVisible();
    await page.getByRole("link", { name: "My requests" }).click();
    await expect(page.getByRole("heading", { name: "My requests" })).toBeVisible();
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.waitForURL(/\/signin/);
    await page.goto("/catalog");
    await expect(page).toHaveURL(/\/signin/);
  });
}

test("the demo sign-in refuses someone who is not a demo user", async ({ page, request }) => {
  await page.goto("/signin");
  const csrf = (await (await request.get(`${DEMO_URL}/api/auth/csrf`)).json()) as { csrfToken: string };
  const res = await request.post(`${DEMO_URL}/api/auth/callback/demo`, {
    form: { email: "mallory@evil.example", csrfToken: csrf.csrfToken, json: "true" },
    maxRedirects: 0,
  });
  const location = res.headers()["location"] ?? (await res.text());
  expect(location).toContain("error=CredentialsSignin");
});
