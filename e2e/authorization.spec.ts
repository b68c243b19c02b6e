import { expect, test, type Request } from "@playwright/test";
import { DEMO_URL } from "../playwright.config";
import { USERS, demoSession } from "./fixtures";

test("a requester gets 403 on admin pages", async ({ browser }) => {
  const { context, page } = await demoSession(browser, USERS.requester.email);
  for (const path of ["/admin", "/admin/audit"]) {
    const res = await page.goto(path);
    expect(res?.status(), path).toBe(403);
    await expect(page.getByRole("heading", { name: "You do not have access to this page" })).toBeVisible();
  }
  const csv = await context.request.get(`${DEMO_URL}/admin/audit/export`);
  expect(csv.status()).toBe(403);
  await context.close();
});

test("an admin reaches the admin pages and can verify the audit chain", async ({ browser }) => {
  const { context, page } = await demoSession(browser, USERS.admin.email);
  const res = await page.goto("/admin/audit");
  expect(res?.status()).toBe(200);
  // The chain is verified on demand, not on every view.
  await expect(page.getByText(/events verified/)).toHaveCount(0);
  await page.getByRole("button", { name: "Verify chain now" }).click();
  await expect(page.getByText(/events verified/)).toBeVisible();
  // An invalid filter says why, keeps what was typed and lists nothing rather than the whole log.
  await page.getByLabel(/^AWS account/).fill("12345");
  await page.getByRole("button", { name: "Filter" }).click();
  await expect(page.getByTestId("audit-filter-error")).toContainText("an account id has 12 digits");
  await expect(page.getByLabel(/^AWS account/)).toHaveValue("12345");
  await expect(page.getByRole("table")).toHaveCount(0);
  await page.getByLabel(/^AWS account/).fill("");
  await page.getByLabel(/^Action/).fill("discovery.run_finished");
  await page.getByRole("button", { name: "Filter" }).click();
  await expect(page).toHaveURL(/action=discovery\.run_finished/);
  const rows = page.getByRole("table").locator("tbody tr");
  await expect(rows.first()).toContainText("discovery.run_finished");
  expect(await rows.filter({ hasNotText: "discovery.run_finished" }).count()).toBe(0);
  await rows.first().getByText(/Full values|All \d+ fields/).click();
  await expect(rows.first().locator("pre")).toContainText('"');
  const csv = await context.request.get(`${DEMO_URL}/admin/audit/export`);
  expect(csv.status()).toBe(200);
  const text = await csv.text();
  expect(text).toContain("auth.sign_in");
  // The export records itself: who took a copy of the log, and with which filter.
  expect(text).toContain("audit.exported");
  await context.close();
});

test("a requester posting to an admin server action gets 403 and the action does not run", async ({ browser }) => {
  // Learn the action's id and payload the way an attacker would: from a real admin request.
  const admin = await demoSession(browser, USERS.admin.email);
  await admin.page.goto("/admin/audit");
  const captured = new Promise<Request>((resolve) =>
    admin.page.on("request", (r) => {
      if (r.method() === "POST" && r.headers()["next-action"]) resolve(r);
    }),
  );
  await admin.page.getByRole("button", { name: "Verify chain now" }).click();
  const actionRequest = await captured;
  const headers = actionRequest.headers();
  const body = actionRequest.postData() ?? "[]";
  await expect(admin.page.getByText(/events verified/)).toBeVisible();
  await admin.context.close();

  const requester = await demoSession(browser, USERS.requester.email);
  const res = await requester.context.request.post(`${DEMO_URL}/admin/audit`, {
    headers: { "next-action": headers["next-action"]!, "content-type": headers["content-type"] ?? "text/plain;charset=UTF-8", accept: "text/x-component" },
    data: body,
  });
  expect(res.status()).toBe(403);
  expect(await res.text()).not.toContain("verified");
  await requester.context.close();

  const anonymous = await browser.newContext();
  const anon = await anonymous.request.post(`${DEMO_URL}/admin/audit`, {
    headers: { "next-action": headers["next-action"]!, "content-type": headers["content-type"] ?? "text/plain;charset=UTF-8", accept: "text/x-component" },
    data: body,
  });
  expect(anon.status()).toBe(403);
  await anonymous.close();
});
