import { mkdirSync } from "node:fs";
import { expect, test, type Page } from "@playwright/test";
import { DEMO_URL } from "../playwright.config";
import { USERS, demoSession } from "./fixtures";

// The e2e demo server's simulator (127.0.0.1:4610) is the portal's AWS endpoint; these are its sample
// organization's management key and sub-account role (lib/aws-sim/sample-org.ts).
const SAMPLE = {
  accessKeyId: "AKIAJITDEMO000000001",
  secretAccessKey: "jitDemoSecretAccessKey0000000000000000001",
  instanceArn: "arn:aws:sso:::instance/ssoins-7223aa11bb22cc33",
  externalId: "jit-demo-external-id",
};
const SHOTS = "/tmp/shots";

function pasted(name: string, roleArn = "arn:aws:iam::*:role/jit-portal-access", externalId = SAMPLE.externalId) {
  return JSON.stringify(
    {
      name,
      root_account: { access_key_id: SAMPLE.accessKeyId, secret_access_key: SAMPLE.secretAccessKey, region: "us-east-1" },
      sub_accounts: [{ account_id: "*", access_role_arn: roleArn, external_id: externalId, region: "us-east-1" }],
      options: { sso_instance_arn: SAMPLE.instanceArn, resource_types: [], tags: [] },
    },
    null,
    2,
  );
}

async function shoot(page: Page, name: string) {
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: `${SHOTS}/${name}.png`, fullPage: true });
}

test("an admin pastes the JSON, tests the connection, runs discovery and sees resources by sub-account", async ({ browser }) => {
  test.setTimeout(120_000);
  const { context, page } = await demoSession(browser, USERS.admin.email);
  const name = `E2E organization ${Date.now()}`;

  await page.goto("/admin");
  await page.getByRole("link", { name: /Integration/ }).first().click();
  await expect(page.getByRole("heading", { name: "AWS integration" })).toBeVisible();
  // The demo integration was created and discovered before the portal started.
  await expect(page.getByRole("link", { name: /Demo organization \(simulated\)/ })).toBeVisible();
  await shoot(page, "integration-list");

  await page.getByRole("link", { name: "Connect an organization" }).first().click();
  await expect(page.getByRole("heading", { name: "Connect an AWS organization" })).toBeVisible();
  await shoot(page, "integration-new-form");
  await page.getByRole("tab", { name: "JSON" }).click();

  // A wrong field is named, and what was pasted stays.
  await page.getByLabel("Integration JSON").fill(pasted(name, "jit-portal-access"));
  await page.getByRole("button", { name: "Create integration" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "Not saved" })).toContainText("sub_accounts[0].access_role_arn: must be an IAM role ARN");
  await expect(page.getByLabel("Integration JSON")).toHaveValue(/"access_role_arn": "jit-portal-access"/);
  await shoot(page, "integration-new-json-error");

  await page.getByLabel("Integration JSON").fill(pasted(name));
  await page.getByRole("button", { name: "Create integration" }).click();
  await page.waitForURL(/\/admin\/integration\/[^/]+$/);
  await expect(page.getByRole("heading", { name })).toBeVisible();
  const integrationUrl = page.url();

  await page.getByRole("button", { name: "Test connection" }).click();
  await expect(page.getByRole("status").filter({ hasText: /check/ })).toHaveText("Every check passed.", { timeout: 30_000 });
  await expect(page.getByTestId("connection-progress")).toHaveText("6 / 6");
  await expect(page.getByTestId("check-organizations")).toContainText("accounts readable");

  await page.getByRole("button", { name: "Run discovery now" }).click();
  await expect(page.getByTestId("current-run")).toContainText("Succeeded", { timeout: 60_000 });
  await expect(page.getByTestId("run-accounts")).toHaveText("6 / 6");
  await expect(page.getByTestId("run-resources")).toHaveText("96");
  await shoot(page, "integration-overview");

  await page.getByRole("link", { name: "Resources", exact: true }).first().click();
  const prod = page.getByTestId("account-222222222222");
  await expect(prod).toContainText("prod-workloads");
  await expect(prod).toContainText("Root/Workloads/Prod");
  await expect(prod).toContainText("3 buckets");
  await expect(prod).toContainText("PowerUserAccess");
  await expect(page.getByTestId("account-111111111111")).toContainText("management");
  await shoot(page, "integration-resources");

  await page.getByLabel("Search resources").fill("environment=prod");
  await page.getByLabel("Resource type").selectOption("S3_BUCKET");
  await page.getByRole("button", { name: "Filter" }).click();
  await expect(page.getByTestId("account-333333333333")).toContainText("No resource in this account matches the filter.");

  // The stored secret never reaches the browser.
  await page.goto(`${integrationUrl}/configuration`);
  await expect(page.getByText("Stored encrypted; leave empty to keep it.")).toBeVisible();
  expect(await page.content()).not.toContain(SAMPLE.secretAccessKey);
  await page.getByRole("tab", { name: "JSON" }).click();
  await expect(page.getByLabel("Integration JSON")).toHaveValue(/"secret_access_key": "set"/);
  await shoot(page, "integration-configuration");

  // A wrong external id is reported per account in plain words; saving keeps the stored secret.
  const json = await page.getByLabel("Integration JSON").inputValue();
  await page.getByLabel("Integration JSON").fill(json.replace(SAMPLE.externalId, "wrong-external-id"));
  await page.getByRole("button", { name: "Save changes" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Saved" })).toContainText("subAccounts");
  // A secret typed again is saved once, then stands as "set": it leaves the page and is no change next time.
  const withSecret = (await page.getByLabel("Integration JSON").inputValue()).replace('"secret_access_key": "set"', `"secret_access_key": "${SAMPLE.secretAccessKey}"`);
  await page.getByLabel("Integration JSON").fill(withSecret);
  await page.getByRole("button", { name: "Save changes" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Saved" })).toContainText("secretAccessKeyEnc");
  await expect(page.getByLabel("Integration JSON")).toHaveValue(/"secret_access_key": "set"/);
  await page.getByRole("button", { name: "Save changes" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Nothing changed." })).toBeVisible();
  await page.goto(integrationUrl);
  await page.getByRole("button", { name: "Test connection" }).click();
  await expect(page.getByRole("status").filter({ hasText: /check/ })).toHaveText("6 checks failed.", { timeout: 30_000 });
  await expect(page.getByTestId("check-account-222222222222")).toContainText(`the role's trust policy does not allow this external id (the portal sends "wrong-external-id")`);
  await expect(page.getByTestId("check-root")).toContainText("OK");
  await shoot(page, "integration-connection-failed");

  await page.goto(`${integrationUrl}/setup`);
  await expect(page.getByTestId("setup-sub-trust")).toContainText('"sts:ExternalId": "wrong-external-id"');
  await expect(page.getByTestId("setup-cloudformation")).toContainText("AWS::IAM::Role");
  await shoot(page, "integration-setup");

  // 390 px wide.
  await page.setViewportSize({ width: 390, height: 844 });
  for (const [path, shot] of [
    ["/admin/integration", "integration-list-390"],
    ["/admin/integration/new", "integration-new-390"],
    [integrationUrl.replace(DEMO_URL, ""), "integration-overview-390"],
    [`${integrationUrl.replace(DEMO_URL, "")}/resources`, "integration-resources-390"],
    [`${integrationUrl.replace(DEMO_URL, "")}/configuration`, "integration-configuration-390"],
    [`${integrationUrl.replace(DEMO_URL, "")}/setup`, "integration-setup-390"],
  ] as const) {
    await page.goto(path);
    await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
    await page.waitForLoadState("load");
    await shoot(page, shot);
  }
  await context.close();
});

test("removing a sub-account entry leaves the next entry's own fields, and a misspelled key is refused", async ({ browser }) => {
  const { context, page } = await demoSession(browser, USERS.admin.email);
  await page.goto("/admin/integration/new");
  const entries = page.locator("fieldset").filter({ has: page.locator("legend", { hasText: /^sub_accounts\[\d+\]$/ }) });
  while ((await entries.count()) < 2) await page.getByRole("button", { name: "Add entry" }).click();
  await entries.nth(0).getByLabel("Tag filter", { exact: true }).fill("team=first");
  await entries.nth(1).getByLabel("Account id").fill("222222222222");
  await entries.nth(1).getByLabel("Tag filter", { exact: true }).fill("team=second");
  const before = await entries.count();
  await entries.nth(0).getByRole("button", { name: /^Remove sub_accounts\[0\]/ }).click();
  await expect(entries).toHaveCount(before - 1);
  await expect(entries.nth(0).getByLabel("Account id")).toHaveValue("222222222222");
  await expect(entries.nth(0).getByLabel("Tag filter", { exact: true })).toHaveValue("team=second");
  await expect(page.getByRole("button", { name: "Add entry" })).toBeFocused();
  // JSON with a misspelled top-level key: refused by name, nothing saved.
  await page.getByRole("tab", { name: "JSON" }).click();
  const json = JSON.parse(await page.getByLabel("Integration JSON").inputValue()) as Record<string, unknown>;
  json.sub_account = json.sub_accounts;
  delete json.sub_accounts;
  await page.getByLabel("Integration JSON").fill(JSON.stringify({ ...json, name: "misspelled" }, null, 2));
  await page.getByRole("button", { name: "Create integration" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "Not saved" })).toContainText('unknown key "sub_account"');
  // The errors sit above a long form whose Save is at the bottom: they take the focus.
  await expect(page.getByRole("alert").filter({ hasText: "Not saved" })).toBeFocused();
  await context.close();
});

test("changing the region to GovCloud moves the form's role ARN with it", async ({ browser }) => {
  const { context, page } = await demoSession(browser, USERS.admin.email);
  await page.goto("/admin/integration/new");
  const entry = page.locator("fieldset").filter({ has: page.locator("legend", { hasText: "sub_accounts[0]" }) });
  await expect(entry.getByLabel("Access role ARN")).toHaveValue("arn:aws:iam::*:role/jit-portal-access");
  await page.getByLabel("Region", { exact: true }).fill("us-gov-west-1");
  await expect(entry.getByLabel("Access role ARN")).toHaveValue("arn:aws-us-gov:iam::*:role/jit-portal-access");
  await page.getByRole("tab", { name: "JSON" }).click();
  await expect(page.getByLabel("Integration JSON")).toHaveValue(/"access_role_arn": "arn:aws-us-gov:iam::\*:role\/jit-portal-access"/);
  await context.close();
});

test("a requester gets 403 on the integration pages and routes", async ({ browser }) => {
  const { context, page } = await demoSession(browser, USERS.requester.email);
  for (const path of ["/admin/integration", "/admin/integration/new"]) {
    const res = await page.goto(path);
    expect(res?.status(), path).toBe(403);
  }
  const probe = await context.request.post(`${DEMO_URL}/api/admin/integration/anything/connection-test`);
  expect(probe.status()).toBe(403);
  const runs = await context.request.get(`${DEMO_URL}/api/admin/integration/anything/sync-runs`);
  expect(runs.status()).toBe(403);
  await context.close();
});
