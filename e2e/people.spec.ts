// Offboarding through the browser: Adrian (admin) disables Sam from the People page while Sam is signed in.
// Sam's open session stops working at once and a new sign-in is refused; the audit log records it; Adrian
// enables Sam again and Sam can sign in (the spec leaves the demo user as it found it).
import { expect, test } from "@playwright/test";
import { DEMO_URL } from "../playwright.config";
import { demoSession, signInAsDemo, USERS } from "./fixtures";

test("an admin disables a signed-in person: their session ends, sign-in is refused, and enabling lets them back", async ({ browser }) => {
  test.setTimeout(90_000);
  const sam = await demoSession(browser, USERS.approver2.email);
  const adrian = await demoSession(browser, USERS.admin.email);
  const page = adrian.page;
  try {
    await page.goto("/admin");
    await page.getByRole("link", { name: /People/ }).first().click();
    await expect(page).toHaveURL(/\/admin\/people/);
    await page.getByLabel("Name or email").fill("sam@");
    await page.getByRole("button", { name: "Search" }).click();
    await expect(page.getByTestId("people-count")).toHaveText("1 person");
    const row = page.getByTestId(`person-row-${USERS.approver2.email}`);
    await expect(row).toContainText(/[1-9]\d* sessions?/);
    // Adrian cannot disable himself.
    await page.goto("/admin/people?q=adrian");
    await expect(page.getByTestId(`person-row-${USERS.admin.email}`)).toContainText("you");
    await expect(page.getByTestId(`person-row-${USERS.admin.email}`).getByRole("button", { name: "Disable…" })).toHaveCount(0);

    await page.goto("/admin/people?q=sam%40");
    await row.getByRole("button", { name: "Disable…" }).click();
    await expect(row.getByRole("button", { name: "Disable and revoke" })).toBeDisabled();
    await row.getByLabel("Why?").fill("People e2e: offboarding");
    await row.getByRole("button", { name: "Disable and revoke" }).click();
    await expect(row.getByRole("status")).toContainText(/Disabled: \d+ sessions? ended/);
    await expect(row).toContainText("disabled");
    await expect(row).toContainText("0 sessions");

    // Sam's open tab is signed out on the next request.
    await sam.page.goto("/approvals");
    await expect(sam.page).toHaveURL(/\/signin/);
    // A new sign-in is refused.
    await sam.page.getByTestId(`demo-signin-${USERS.approver2.email}`).click();
    await expect(sam.page).toHaveURL(/\/signin\?error=AccountDisabled/);
    await expect(sam.page.getByText("Your portal account has been disabled")).toBeVisible();

    await page.goto("/admin/audit?action=user.disabled");
    await expect(page.getByRole("row").filter({ hasText: "People e2e: offboarding" })).toContainText("adrian@example.com");

    await page.goto("/admin/people?q=sam%40");
    await row.getByRole("button", { name: "Enable" }).click();
    await expect(row.getByRole("status")).toContainText("Enabled");
    await expect(row).not.toContainText("disabled");
    await signInAsDemo(sam.page, USERS.approver2.email);
  } finally {
    // Leave Sam usable for the other specs even if an assertion failed midway.
    await page.goto(`${DEMO_URL}/admin/people?q=sam%40&status=disabled`);
    const row = page.getByTestId(`person-row-${USERS.approver2.email}`);
    const enable = row.getByRole("button", { name: "Enable" });
    if (await enable.isVisible().catch(() => false)) {
      await enable.click();
      await expect(row.getByRole("status")).toContainText("Enabled");
    }
    await sam.context.close();
    await adrian.context.close();
  }
});
