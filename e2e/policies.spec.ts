import { expect, test } from "@playwright/test";
import { USERS, demoSession } from "./fixtures";

// Needs the discovered sample organization (groups, accounts) in the demo database for the pickers.

test("an admin creates a policy through the form", async ({ browser }) => {
  const { context, page } = await demoSession(browser, USERS.admin.email);
  const name = `E2E dev secrets ${Date.now()}`;
  await page.goto("/admin/policies");
  await page.getByRole("link", { name: "New policy" }).click();
  const form = page.getByTestId("policy-form");
  await form.getByLabel("Name *").fill(name);
  // Other specs may add integrations over the same accounts: scope the pickers to the demo one.
  await form.getByLabel("Integration").selectOption({ label: "Demo organization (simulated)" });
  await form.getByLabel("Secret", { exact: true }).check();
  await form.getByRole("searchbox", { name: "Search Accounts" }).fill("dev");
  await page.getByRole("option").filter({ hasText: "333333333333" }).click();
  await page.getByTestId("requester-groups").getByRole("searchbox").fill("Develop");
  await page.getByRole("option").filter({ hasText: "Developers" }).click();
  await form.getByLabel(/Maximum duration/).fill("90");
  await page.getByTestId("approval-step-0-groups").getByRole("searchbox").fill("Platform");
  await page.getByRole("option").filter({ hasText: "Platform Leads" }).click();
  await form.getByRole("button", { name: "Create policy" }).click();
  await page.waitForURL(/\/admin\/policies$/);
  const row = page.locator(`[data-policy-name="${name}"]`);
  await expect(row).toContainText("Developers");
  await expect(row).toContainText("Platform Leads");
  await expect(row).toContainText("up to 1 h 30 min");

  await row.getByRole("button", { name: "Disable" }).click();
  await expect(row).toContainText("disabled");
  await context.close();
});

test("the policy form refuses invalid input and keeps what was typed", async ({ browser }) => {
  const { context, page } = await demoSession(browser, USERS.admin.email);
  await page.goto("/admin/policies/new");
  const form = page.getByTestId("policy-form");
  await form.getByLabel("Name *").fill("Incomplete policy");
  await form.getByLabel(/Maximum duration/).fill("5");
  await form.getByRole("button", { name: "Create policy" }).click();
  await expect(form.getByRole("alert")).toContainText("The policy is not valid");
  // Each message also sits under its own field.
  await expect(form.getByRole("listitem").filter({ hasText: "Maximum duration must be at least 15 minutes" })).toBeVisible();
  await expect(form.getByRole("listitem").filter({ hasText: "Choose who may request: users, groups, or everyone" })).toBeVisible();
  await expect(form.getByLabel("Name *")).toHaveValue("Incomplete policy");
  await context.close();
});

test("an edit saved after someone else changed the policy keeps what was typed and can be saved over it", async ({ browser }) => {
  const { context, page } = await demoSession(browser, USERS.admin.email);
  await page.goto("/admin/policies");
  // The policy the first test created (and left disabled), so the demo's own policies stay as they are.
  const name = (await page.locator('[data-policy-name^="E2E dev secrets"]').first().getAttribute("data-policy-name"))!;
  await page.getByRole("link", { name: `Edit ${name}` }).click();
  const form = page.getByTestId("policy-form");
  const description = `Edited while someone else toggled it ${Date.now()}`;
  await form.getByLabel("Description").fill(description);
  // Meanwhile another admin tab enables it.
  const other = await context.newPage();
  await other.goto("/admin/policies");
  const row = other.locator(`[data-policy-name="${name}"]`);
  await row.getByRole("button", { name: "Enable" }).click();
  await expect(row.getByRole("button", { name: "Disable" })).toBeVisible();
  await form.getByRole("button", { name: "Save changes" }).click();
  await expect(form.getByRole("alert")).toContainText("Your edits are still in the form");
  await expect(form.getByLabel("Description")).toHaveValue(description);
  await form.getByTestId("policy-save-over").click();
  await page.waitForURL(/\/admin\/policies$/);
  // Saved as the form had it: the description, and disabled as it was when the form was opened.
  await expect(page.locator(`[data-policy-name="${name}"]`)).toContainText("disabled");
  await page.getByRole("link", { name: `Edit ${name}` }).click();
  await expect(page.getByTestId("policy-form").getByLabel("Description")).toHaveValue(description);
  await context.close();
});

test("a requester gets 403 on the policies admin", async ({ browser }) => {
  const { context, page } = await demoSession(browser, USERS.requester.email);
  for (const path of ["/admin/policies", "/admin/policies/new"]) {
    const res = await page.goto(path);
    expect(res?.status(), path).toBe(403);
  }
  await context.close();
});
