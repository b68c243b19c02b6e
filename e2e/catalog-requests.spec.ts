import { expect, test, type Page } from "@playwright/test";
import { DEMO_URL } from "../playwright.config";
import { USERS, demoSession } from "./fixtures";

// Needs the demo database to hold the discovered sample organization (lib/aws-sim/sample-org.ts) and the
// demo policies (lib/demo/seed-demo-policies.ts): riley (Developers) may read S3 buckets in the Prod OU
// after one Platform Lead approves, max 2 h. Bucket names follow lib/aws-sim/populate.ts. These use
// data-prod (777777777777) so they never collide with the approver specs' prod-workloads requests.

async function requestBucketRead(page: Page, bucket: string, justification: string) {
  await page.goto("/catalog");
  await page.getByRole("searchbox", { name: "Search" }).fill(bucket);
  await page.getByRole("button", { name: "Apply filters" }).click();
  const item = page.getByTestId("catalog-item").filter({ hasText: bucket });
  await expect(item).toHaveCount(1);
  await expect(page.getByTestId("catalog-account").filter({ has: item })).toContainText("Root/Workloads/Prod");
  await item.getByRole("link", { name: `Request access to ${bucket}` }).click();

  await expect(page.getByTestId("request-target")).toContainText(bucket);
  // The exact IAM policy the grant will carry, scoped to this bucket.
  await expect(page.getByTestId("policy-preview")).toContainText(`arn:aws:s3:::${bucket}/*`);
  await page.getByRole("radio", { name: /Read/ }).first().check();
  await page.getByRole("button", { name: "1 h", exact: true }).click();
  await page.getByLabel(/Justification/).fill(justification);
  await page.getByRole("button", { name: "Submit request" }).click();
  await page.waitForURL(/\/requests\?submitted=/);
  const card = page.getByTestId("request-card").filter({ hasText: bucket }).first();
  await expect(card).toHaveAttribute("data-status", "PENDING");
  return card;
}

test("a submission whose session ended meanwhile comes back to the form after sign-in, with what was typed", async ({ browser }) => {
  const { context, page } = await demoSession(browser, USERS.requester.email);
  await page.goto("/catalog?q=platform-prod-app-0");
  await page.getByTestId("catalog-item").first().getByRole("link", { name: /Request access/ }).click();
  await page.getByRole("radio", { name: /Read/ }).first().check();
  await page.getByLabel(/Justification/).fill("Typed before my session ended");
  // The session cookie goes away (signed out in another tab, expired): the action cannot run.
  await context.clearCookies();
  await page.getByRole("button", { name: "Submit request" }).click();
  // Sent to sign in (the page needs a session); signing in again comes back to the form, as it was left.
  await page.waitForURL(/\/signin\?next=/);
  await expect(page.getByTestId("signin-return-note")).toContainText("continue where you left off");
  await page.getByTestId(`demo-signin-${USERS.requester.email}`).click();
  await page.waitForURL(/\/catalog\/request\?/);
  await expect(page.getByLabel(/Justification/)).toHaveValue("Typed before my session ended");
  await expect(page.getByRole("button", { name: "Submit request" })).toBeEnabled();
  await context.close();
});

test("a requester finds a bucket, asks for read access for 1 hour and sees it pending", async ({ browser }) => {
  const { context, page } = await demoSession(browser, USERS.requester.email);
  const bucket = "data-prod-data-1-777777777777";
  const card = await requestBucketRead(page, bucket, "Investigating a failed deploy (e2e catalog spec)");
  await expect(card).toContainText("Read · 1 h");
  await expect(card.getByTestId("request-timeline")).toContainText("Waiting for approval: Platform Leads");
  const requestId = await card.getAttribute("data-request-id");

  // Back in the catalog the bucket says it was already asked for, and leads to that request.
  await page.goto(`/catalog?q=${bucket}`);
  const mineNote = page.getByTestId("catalog-item").filter({ hasText: bucket }).getByTestId("catalog-mine");
  await expect(mineNote).toHaveAttribute("data-state", "PENDING");
  await expect(mineNote).toContainText("Your request is pending");
  await mineNote.click();
  await page.waitForURL(new RegExp(`/requests\\?request=${requestId}`));
  await expect(page.locator(`[data-request-id="${requestId}"]`)).toHaveClass(/ring-2/);

  // Validation is enforced on the client and re-checked on the server: an empty justification never leaves.
  await page.goto("/catalog?q=platform-prod-app-0");
  await page.getByTestId("catalog-item").first().getByRole("link", { name: /Request access/ }).click();
  await page.getByRole("button", { name: "Submit request" }).click();
  await expect(page.getByText("A justification is required")).toBeVisible();
  // Tied to its field and focused there, so a screen reader announces it.
  await expect(page.getByLabel(/Justification/)).toHaveAccessibleDescription("A justification is required");
  await expect(page.getByLabel(/Justification/)).toBeFocused();

  // Another user cannot read the request through the route handler.
  const other = await demoSession(browser, USERS.approver2.email);
  const res = await other.context.request.get(`${DEMO_URL}/api/requests/${requestId}`);
  expect(res.status()).toBe(404);
  await other.context.close();

  // Leave no pending request behind for other specs that request prod buckets.
  await page.goto("/requests");
  const mine = page.locator(`[data-request-id="${requestId}"]`);
  await mine.getByRole("button", { name: "Cancel request" }).click();
  await mine.getByRole("button", { name: "Yes, cancel it" }).click();
  await expect(mine).toHaveAttribute("data-status", "CANCELLED");
  await context.close();
});

test("a requester cancels a pending request and the page updates without reloading", async ({ browser }) => {
  const { context, page } = await demoSession(browser, USERS.requester.email);
  const card = await requestBucketRead(page, "data-prod-logs-2-777777777777", "Will cancel this one (e2e)");
  await card.getByRole("button", { name: "Cancel request" }).click();
  await card.getByRole("button", { name: "Yes, cancel it" }).click();
  await expect(card).toHaveAttribute("data-status", "CANCELLED");
  await expect(card.getByTestId("request-timeline")).toContainText("Cancelled by you");
  await expect(card.getByRole("button", { name: "Cancel request" })).toHaveCount(0);
  await context.close();
});

test("a submitted request stays submitted while the page moves on: a second click files nothing", async ({ browser }) => {
  const { context, page } = await demoSession(browser, USERS.requester.email);
  const bucket = "data-prod-app-0-777777777777";
  await page.goto(`/catalog?q=${bucket}`);
  await page.getByTestId("catalog-item").filter({ hasText: bucket }).getByRole("link", { name: `Request access to ${bucket}` }).click();
  await page.getByRole("radio", { name: /Read/ }).first().check();
  await page.getByLabel(/Justification/).fill("Double-submit check (e2e)");
  // Hold the navigation to My requests, so the form is still on screen after the action resolved.
  let release!: () => void;
  const held = new Promise<void>((resolve) => {
    release = resolve;
  });
  await page.route(/\/requests\?submitted=/, async (route) => {
    await held;
    await route.continue();
  });
  await page.getByRole("button", { name: "Submit request" }).click();
  await expect(page.getByTestId("request-submitted")).toBeVisible();
  const submit = page.getByTestId("request-form").getByRole("button", { name: "Submitted" });
  await expect(submit).toBeDisabled();
  await submit.click({ force: true });
  release();
  await page.waitForURL(/\/requests\?submitted=/);

  const open = (await (await context.request.get(`${DEMO_URL}/api/requests?status=open`)).json()) as { items: { id: string; target: { name: string } }[] };
  const mine = open.items.filter((r) => r.target.name === bucket);
  expect(mine).toHaveLength(1);
  const card = page.locator(`[data-request-id="${mine[0]!.id}"]`);
  await card.getByRole("button", { name: "Cancel request" }).click();
  await card.getByRole("button", { name: "Yes, cancel it" }).click();
  await expect(card).toHaveAttribute("data-status", "CANCELLED");
  await context.close();
});

test("an item the requester may not request explains why", async ({ browser }) => {
  const { context, page } = await demoSession(browser, USERS.requester.email);
  await page.goto("/catalog?type=IAM_POLICY");
  const item = page.getByTestId("catalog-item").first();
  await expect(item.getByRole("link", { name: /Request access/ })).toHaveCount(0);
  await item.getByText("Why can't I request this?").click();
  await expect(item).toContainText("No policy covers IAM policies");
  await context.close();
});
