import { expect, type Browser, type Page } from "@playwright/test";
import { DEMO_URL } from "../playwright.config";

export const USERS = {
  requester: { email: "riley@example.com", name: "Riley Park" },
  approver: { email: "avery@example.com", name: "Avery Chen" },
  approver2: { email: "sam@example.com", name: "Sam Ortiz" },
  admin: { email: "adrian@example.com", name: "Adrian Cole" },
} as const;

/** Signs in through the demo sign-in page, as a person would. */
export async function signInAsDemo(page: Page, email: string) {
  await page.goto(`${DEMO_URL}/signin`);
  await page.getByTestId(`demo-signin-${email}`).click();
  await page.waitForURL(/\/catalog/);
  await expect(page.getByTestId("signed-in-user")).toContainText(email);
}

/** A fresh browser context signed in as a demo user. */
export async function demoSession(browser: Browser, email: string) {
  const context = await browser.newContext({ baseURL: DEMO_URL });
  const page = await context.newPage();
  await signInAsDemo(page, email);
  return { context, page };
}
