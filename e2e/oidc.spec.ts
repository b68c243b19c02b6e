import { expect, test, type Page } from "@playwright/test";
import { OIDC_PORTAL_URL } from "../playwright.config";

/** Through oidc-provider's own login and consent screens, back to the portal. */
async function oidcLogin(page: Page, login: string) {
  await page.goto(`${OIDC_PORTAL_URL}/signin`);
  // Production mode: no demo sign-in exists.
  await expect(page.getByText("Demo mode: pick a user")).toHaveCount(0);
  await page.getByRole("button", { name: "Sign in with Corp SSO" }).click();
  await page.locator('input[name="login"]').fill(login);
  await page.locator('input[name="password"]').fill("any");
  await page.locator('button[type="submit"]').click();
  const consent = page.locator('button[type="submit"]', { hasText: /continue/i });
  if (await consent.isVisible({ timeout: 5_000 }).catch(() => false)) await consent.click();
}

async function oidcSignIn(page: Page, login: string) {
  await oidcLogin(page, login);
  await page.waitForURL(`${OIDC_PORTAL_URL}/catalog`);
}

test("production sign-in through a real OpenID Connect flow", async ({ page }) => {
  await oidcSignIn(page, "dana@corp.example");
  const shell = page.getByTestId("signed-in-user");
  await expect(shell).toContainText("Dana Developer");
  await expect(shell).toContainText("member");
  expect((await page.goto(`${OIDC_PORTAL_URL}/admin`))?.status()).toBe(403);
});

test("the IdP's group claim makes an admin", async ({ page }) => {
  await oidcSignIn(page, "olga@corp.example");
  await expect(page.getByTestId("signed-in-user")).toContainText("admin");
  expect((await page.goto(`${OIDC_PORTAL_URL}/admin`))?.status()).toBe(200);
});

test("an email the IdP did not verify does not sign in, even as an existing admin's address", async ({ page }) => {
  await oidcLogin(page, "mallory");
  await page.waitForURL(/\/signin\?error=EmailNotVerified/);
  await expect(page.getByText("did not confirm that your email address is verified")).toBeVisible();
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: "/tmp/shots/signin-email-not-verified-390.png", fullPage: true });
  expect((await page.goto(`${OIDC_PORTAL_URL}/admin`))?.url()).toContain("/signin");
});

test("an email already signed in from one IdP account is refused from another", async ({ browser }) => {
  const first = await browser.newContext();
  await oidcSignIn(await first.newPage(), "dana@corp.example");
  await first.close();
  const second = await browser.newContext();
  const page = await second.newPage();
  await oidcLogin(page, "dana-successor");
  await page.waitForURL(/\/signin\?error=IdentityChanged/);
  await expect(page.getByText("signs in with another account at your identity provider")).toBeVisible();
  expect((await page.goto(`${OIDC_PORTAL_URL}/catalog`))?.url()).toContain("/signin");
  await second.close();
});

test("the demo sign-in does not exist when demo mode is off", async ({ request }) => {
  const providers = (await (await request.get(`${OIDC_PORTAL_URL}/api/auth/providers`)).json()) as Record<string, unknown>;
  expect(Object.keys(providers)).toEqual(["oidc"]);
});
