// A grant's whole life through the browser: Riley requests read access to a prod bucket, Avery approves,
// the worker makes it ACTIVE (and the assignment exists in the simulator), Adrian revokes it early from the
// admin grants page, and it ends REVOKED with the assignment and the temporary permission set gone; the
// extension Riley asked for meanwhile is closed by the worker instead of waiting for approvers.
import { mkdirSync } from "node:fs";
import { expect, test, type APIRequestContext, type Page } from "@playwright/test";
import { requestProdBucket, requestStatus } from "./approval-helpers";
import { demoSession, USERS } from "./fixtures";

const SIM = "http://127.0.0.1:4610";
const PROD_WORKLOADS = "222222222222";

type TSimState = {
  users: { userId: string; userName: string }[];
  permissionSets: { arn: string; name: string; tags: { Key: string; Value: string }[] }[];
  assignments: { accountId: string; permissionSetArn: string; principalType: string; principalId: string }[];
};

type TAdminRow = { id: string; state: string; user: { email: string }; target: string; permissionSetName: string | null; awsAccountId: string | null };

async function simState(api: APIRequestContext): Promise<TSimState> {
  const res = await api.get(`${SIM}/_sim/state`);
  expect(res.ok()).toBe(true);
  return (await res.json()) as TSimState;
}

async function shoot(page: Page, name: string) {
  mkdirSync("/tmp/shots", { recursive: true });
  await page.screenshot({ path: `/tmp/shots/${name}.png`, fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: `/tmp/shots/${name}-390.png`, fullPage: true });
  await page.setViewportSize({ width: 1280, height: 800 });
}

test("request → approve → ACTIVE with the assignment in AWS → revoked early by an admin → everything removed", async ({ browser }) => {
  test.setTimeout(120_000);
  const riley = await demoSession(browser, USERS.requester.email);
  const request = await requestProdBucket(riley.page, 1, "Grant lifecycle e2e: read the export bucket");

  const avery = await demoSession(browser, USERS.approver.email);
  await avery.page.goto("/approvals");
  const card = avery.page.locator(`[data-testid="approval-card"][data-request-id="${request.id}"]`);
  await expect(card).toBeVisible();
  await card.getByLabel(/Comment/).fill("ok for the lifecycle test");
  await card.getByRole("button", { name: "Approve" }).click();
  await expect(avery.page.getByTestId("decision-notices")).toContainText("Approved");

  // The worker (in-process, kicked by the approval) makes it ACTIVE within seconds.
  await expect.poll(async () => (await requestStatus(riley.context.request, request.id)).grant?.state, { timeout: 30_000 }).toBe("ACTIVE");

  // Riley asks for more time; the extension waits for an approver.
  await riley.page.goto("/requests");
  const rileyCard = riley.page.locator(`[data-testid="request-card"][data-request-id="${request.id}"]`);
  await rileyCard.getByRole("button", { name: "Extend" }).click();
  await rileyCard.getByLabel("Justification").fill("Lifecycle test: the export needs another hour");
  await rileyCard.getByRole("button", { name: "Request extension" }).click();
  let extensionId = "";
  await expect
    .poll(async () => {
      const mine = (await (await riley.context.request.get("/api/requests?limit=100")).json()) as { items: { id: string; status: string; extendsGrantId: string | null }[] };
      extensionId = mine.items.find((r) => r.extendsGrantId !== null && r.status === "PENDING")?.id ?? "";
      return extensionId;
    })
    .not.toBe("");

  const adrian = await demoSession(browser, USERS.admin.email);
  const grants = (await (await adrian.context.request.get("/api/admin/grants")).json()) as { live: TAdminRow[] };
  const grant = grants.live.find((g) => g.user.email === USERS.requester.email && g.target.includes(request.name) && g.state === "ACTIVE");
  expect(grant, "the admin API lists riley's active grant").toBeTruthy();
  expect(grant!.awsAccountId).toBe(PROD_WORKLOADS);

  // AWS holds the assignment: riley's user, the temporary permission set, prod-workloads.
  const before = await simState(adrian.context.request);
  const rileyUser = before.users.find((u) => u.userName === USERS.requester.email)!;
  const set = before.permissionSets.find((p) => p.name === grant!.permissionSetName)!;
  expect(set, "temporary permission set exists").toBeTruthy();
  expect(set.tags).toEqual(expect.arrayContaining([{ Key: "managed-by", Value: "jit-access-portal" }, { Key: "grant-id", Value: grant!.id }]));
  expect(before.assignments).toContainEqual({ accountId: PROD_WORKLOADS, permissionSetArn: set.arn, principalType: "USER", principalId: rileyUser.userId });

  await adrian.page.goto("/admin/grants");
  const row = adrian.page.getByTestId(`grant-row-${grant!.id}`);
  await expect(row).toBeVisible();
  await expect(adrian.page.getByTestId(`grant-state-${grant!.id}`).first()).toHaveAttribute("data-state", "ACTIVE");
  await expect(row).toContainText(request.name);
  await shoot(adrian.page, "admin-grants-active");

  // Revoke early: a reason is required; then the worker removes everything and ends it REVOKED.
  await row.getByTestId(`revoke-${grant!.id}`).click();
  await row.getByLabel("Why revoke this access?").fill("Lifecycle test: done with the bucket");
  await row.getByTestId(`confirm-revoke-${grant!.id}`).click();
  await expect(adrian.page.getByTestId(`grant-state-${grant!.id}`).first()).toHaveAttribute("data-state", "REVOKED", { timeout: 30_000 });
  await expect.poll(async () => (await requestStatus(riley.context.request, request.id)).grant?.state, { timeout: 30_000 }).toBe("REVOKED");

  const after = await simState(adrian.context.request);
  expect(after.assignments.filter((a) => a.permissionSetArn === set.arn)).toEqual([]);
  expect(after.permissionSets.find((p) => p.arn === set.arn)).toBeUndefined();

  // Reconcile now finds nothing left to clean up.
  await adrian.page.getByTestId("reconcile-now").click();
  await expect(adrian.page.getByTestId("last-reconcile")).toContainText(/manual/, { timeout: 30_000 });
  await shoot(adrian.page, "admin-grants-revoked");

  // The requester sees the outcome too, and the extension nobody can approve any more is closed, saying why.
  await expect.poll(async () => (await requestStatus(riley.context.request, extensionId)).status, { timeout: 30_000 }).toBe("CANCELLED");
  await riley.page.goto("/requests");
  await expect(riley.page.locator(`[data-testid="request-card"][data-request-id="${request.id}"]`)).toContainText(/revoked/i);
  const extension = riley.page.locator(`[data-testid="request-card"][data-request-id="${extensionId}"]`);
  await expect(extension).toContainText("Closed: the access it extends has ended");
  await shoot(riley.page, "my-requests-extension-closed");

  // Not an admin: the grants API and the page refuse.
  expect((await riley.context.request.get("/api/admin/grants")).status()).toBe(403);
  for (const s of [riley, avery, adrian]) await s.context.close();
});
