// The approver side as people use it: Riley requests, Avery approves from her inbox, Riley sees it move on;
// a stale or second decision changes nothing; nobody approves their own request.
// Needs the demo database to hold the discovered sample organization and the demo policies
// ("Production S3 read (Platform Leads approve)": Developers request, Platform Leads (Avery) approve).
import { expect, test, type Page } from "@playwright/test";
import { USERS, demoSession } from "./fixtures";
import { captureNextAction, decideBody, describeAction, replayAction, requestProdBucket, requestStatus, type TCapturedAction } from "./approval-helpers";

test.describe.configure({ mode: "serial" });

async function shoot(page: Page, name: string) {
  await page.screenshot({ path: `/tmp/shots/${name}-desktop.png`, fullPage: true });
  const size = page.viewportSize();
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: `/tmp/shots/${name}-mobile.png`, fullPage: true });
  if (size) await page.setViewportSize(size);
}

let decideAction: TCapturedAction;
let rileysRequest: { id: string; name: string };

test("riley requests a prod bucket, avery approves it from her inbox, riley sees it move on", async ({ browser }) => {
  const riley = await demoSession(browser, USERS.requester.email);
  rileysRequest = await requestProdBucket(riley.page, 0, "Investigating the failed nightly export (e2e)");
  expect((await requestStatus(riley.context.request, rileysRequest.id)).status).toBe("PENDING");

  const avery = await demoSession(browser, USERS.approver.email);
  await avery.page.goto("/approvals");
  const card = avery.page.locator(`[data-testid="approval-card"][data-request-id="${rileysRequest.id}"]`);
  await expect(card).toBeVisible();
  await expect(card).toContainText("Riley Park");
  await expect(card).toContainText(rileysRequest.name);
  await expect(card).toContainText("Investigating the failed nightly export (e2e)");
  await expect(card).toContainText("prod-workloads");
  await expect(card).toContainText("Step 1/1");
  await expect(card).toContainText(/Times out in/);
  await card.getByTestId("policy-document").locator("summary").click();
  await expect(card.getByTestId("policy-document").locator("pre")).toContainText('"Version": "2012-10-17"');
  await expect(card.getByTestId("policy-document").locator("pre")).toContainText(rileysRequest.name);
  await shoot(avery.page, "approvals-inbox");

  // Deny needs a comment: nothing is sent without one, and nothing typed is lost.
  await card.getByRole("button", { name: "Deny" }).click();
  await expect(card.getByRole("alert")).toContainText("Say why you deny it");

  const captured = captureNextAction(avery.page);
  await card.getByLabel(/Comment/).fill("Fine for an hour");
  await card.getByRole("button", { name: "Approve" }).click();
  decideAction = describeAction(await captured);
  await expect(avery.page.getByTestId("decision-notices")).toContainText("Approved. Access is being set up.");
  await expect(card).toHaveCount(0);
  await shoot(avery.page, "approvals-after-decision");

  await riley.page.goto("/requests");
  const row = riley.page.locator(`[data-testid="request-card"][data-request-id="${rileysRequest.id}"]`);
  await expect(row).toHaveAttribute("data-status", "APPROVED");
  await expect(row).toContainText(/access (approved|provisioning|active)/i);
  await expect(row).toContainText("Avery Chen");

  // Riley is told in-app; the bell shows it when the shell mounts it.
  const notes = (await (await riley.context.request.get("/api/notifications")).json()) as { unread: number; items: { title: string; body: string }[] };
  const approvedNote = notes.items.find((n) => n.title === `Approved: ${rileysRequest.name}`);
  expect(approvedNote?.body).toContain("Fine for an hour");
  const bell = riley.page.getByTestId("notification-bell");
  if ((await bell.count()) > 0) {
    // The worker may add "access active" at any moment, so the count is only known to be non-zero here.
    expect(notes.unread).toBeGreaterThan(0);
    await expect(riley.page.getByTestId("notification-unread")).toHaveText(/^[1-9]\d*$/);
    await bell.click();
    await expect(riley.page.getByTestId("notification-list")).toContainText(`Approved: ${rileysRequest.name}`);
    await shoot(riley.page, "notifications-panel");
    await riley.page.getByTestId("notification-list").getByText(`Approved: ${rileysRequest.name}`).first().click();
    await expect(riley.page).toHaveURL(/\/requests/);
  }

  await riley.context.close();
  await avery.context.close();
});

test("a decision on a request that already finished changes nothing and says so", async ({ browser }) => {
  test.skip(!decideAction, "needs the approval captured by the previous test");
  // Sam (Security) replays Avery's decision: not an approver of the Platform Leads step.
  const sam = await demoSession(browser, USERS.approver2.email);
  const bySam = await replayAction(sam.context.request, decideAction);
  expect(bySam.text).toContain("You are not an approver for this request.");
  // Avery replays her own click: the request is approved already.
  const avery = await demoSession(browser, USERS.approver.email);
  const again = await replayAction(avery.context.request, decideAction);
  expect(again.text).toMatch(/already approved|already decided/);
  const denyLate = await replayAction(avery.context.request, decideAction, decideBody(decideAction, rileysRequest.id, "DENY"));
  expect(denyLate.text).toMatch(/already approved|already decided/);

  const riley = await demoSession(browser, USERS.requester.email);
  const after = await requestStatus(riley.context.request, rileysRequest.id);
  expect(after.status).toBe("APPROVED");
  expect(after.grant).not.toBeNull();
  await Promise.all([sam.context.close(), avery.context.close(), riley.context.close()]);
});

test("a stale approvals page cannot decide a request that was cancelled meanwhile", async ({ browser }) => {
  const riley = await demoSession(browser, USERS.requester.email);
  const request = await requestProdBucket(riley.page, 1, "Stale page check (e2e)");
  const avery = await demoSession(browser, USERS.approver.email);
  await avery.page.goto("/approvals");
  const card = avery.page.locator(`[data-testid="approval-card"][data-request-id="${request.id}"]`);
  await expect(card).toBeVisible();

  // Riley cancels while Avery's page is open.
  await riley.page.goto("/requests");
  const row = riley.page.locator(`[data-testid="request-card"][data-request-id="${request.id}"]`);
  await row.getByRole("button", { name: "Cancel request" }).click();
  await row.getByRole("button", { name: "Yes, cancel it" }).click();
  await expect(row).toHaveAttribute("data-status", "CANCELLED");

  await card.getByRole("button", { name: "Approve" }).click();
  await expect(avery.page.getByTestId("decision-notices")).toContainText("This request was cancelled (by the requester, or because their account was disabled). Nothing changed.");
  expect((await requestStatus(riley.context.request, request.id)).status).toBe("CANCELLED");
  await riley.context.close();
  await avery.context.close();
});

test("avery cannot approve her own request, in the inbox or by posting the action", async ({ browser }) => {
  test.skip(!decideAction, "needs the approval captured by the first test");
  const avery = await demoSession(browser, USERS.approver.email);
  // Per-requester duplicates are what the portal refuses, so Avery may ask for the bucket Riley got.
  const own = await requestProdBucket(avery.page, 0, "My own request (e2e)");
  await avery.page.goto("/approvals");
  await expect(avery.page.getByTestId("approvals-count")).toBeVisible();
  await expect(avery.page.locator(`[data-testid="approval-card"][data-request-id="${own.id}"]`)).toHaveCount(0);

  const res = await replayAction(avery.context.request, decideAction, decideBody(decideAction, own.id));
  expect(res.text).toContain("You cannot decide your own request.");
  expect((await requestStatus(avery.context.request, own.id)).status).toBe("PENDING");
  await avery.context.close();
});

test("the empty inbox says what appears there", async ({ browser }) => {
  const adrian = await demoSession(browser, USERS.admin.email);
  await adrian.page.goto("/approvals");
  await expect(adrian.page.getByRole("heading", { name: "Nothing is waiting for you" })).toBeVisible();
  await expect(adrian.page.getByText(/policy names you/)).toBeVisible();
  await shoot(adrian.page, "approvals-empty");
  await adrian.context.close();
});
