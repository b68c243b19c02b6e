// Every approver-side action and route handler (and the requester side's that exist), called over HTTP as
// anonymous, requester (Riley), approver (Avery), another approver (Sam) and admin (Adrian), with the
// expected allow or deny. Action ids are learned the way an attacker would: from a real UI interaction.
// The domain-level matrix with a removed-check proof for each denial is lib/access/authorization-matrix.integration.test.ts.
import { expect, test, type Browser } from "@playwright/test";
import { DEMO_URL } from "../playwright.config";
import { USERS, demoSession } from "./fixtures";
import { captureNextAction, decideBody, describeAction, replayAction, requestProdBucket, requestStatus, type TCapturedAction } from "./approval-helpers";

test.describe.configure({ mode: "serial" });

type TIdentity = "anonymous" | "requester" | "approver" | "anotherApprover" | "admin";
const EMAILS: Record<Exclude<TIdentity, "anonymous">, string> = {
  requester: USERS.requester.email,
  approver: USERS.approver.email,
  anotherApprover: USERS.approver2.email,
  admin: USERS.admin.email,
};

async function as(browser: Browser, identity: TIdentity) {
  if (identity === "anonymous") {
    const context = await browser.newContext({ baseURL: DEMO_URL });
    return { context, page: await context.newPage() };
  }
  return demoSession(browser, EMAILS[identity]);
}

let submit: TCapturedAction;
let cancel: TCapturedAction;
let decide: TCapturedAction;
/** Riley's request Avery approved (captured decide), and one still pending. */
let decided: { id: string; name: string };
let pending: { id: string; name: string };

test.beforeAll(async ({ browser }) => {
  const riley = await demoSession(browser, USERS.requester.email);
  const submitted = captureNextAction(riley.page);
  decided = await requestProdBucket(riley.page, 0, "Matrix: to be approved");
  submit = describeAction(await submitted);
  pending = await requestProdBucket(riley.page, 1, "Matrix: stays pending");
  const toCancel = await requestProdBucket(riley.page, 2, "Matrix: cancelled by Riley");
  await riley.page.goto("/requests");
  const row = riley.page.locator(`[data-testid="request-card"][data-request-id="${toCancel.id}"]`);
  await row.getByRole("button", { name: "Cancel request" }).click();
  const cancelled = captureNextAction(riley.page);
  await row.getByRole("button", { name: "Yes, cancel it" }).click();
  cancel = describeAction(await cancelled);
  await expect(row).toHaveAttribute("data-status", "CANCELLED");
  await riley.context.close();

  const avery = await demoSession(browser, USERS.approver.email);
  await avery.page.goto("/approvals");
  const card = avery.page.locator(`[data-testid="approval-card"][data-request-id="${decided.id}"]`);
  const captured = captureNextAction(avery.page);
  await card.getByRole("button", { name: "Approve" }).click();
  decide = describeAction(await captured);
  await expect(avery.page.getByTestId("decision-notices")).toContainText("Approved.");
  await avery.context.close();
});

test.describe("route handlers", () => {
  const expectations: { identity: TIdentity; approvals: number; ownNotifications: number; rileysRequest: number }[] = [
    { identity: "anonymous", approvals: 401, ownNotifications: 401, rileysRequest: 401 },
    { identity: "requester", approvals: 200, ownNotifications: 200, rileysRequest: 200 },
    { identity: "approver", approvals: 200, ownNotifications: 200, rileysRequest: 404 },
    { identity: "anotherApprover", approvals: 200, ownNotifications: 200, rileysRequest: 404 },
    { identity: "admin", approvals: 200, ownNotifications: 200, rileysRequest: 404 },
  ];
  for (const row of expectations) {
    test(`${row.identity}: inbox ${row.approvals}, notifications ${row.ownNotifications}, Riley's request by id ${row.rileysRequest}`, async ({ browser }) => {
      const { context } = await as(browser, row.identity);
      const api = context.request;
      const inbox = await api.get(`${DEMO_URL}/api/approvals`);
      expect(inbox.status()).toBe(row.approvals);
      if (inbox.ok()) {
        const ids = ((await inbox.json()) as { items: { id: string }[] }).items.map((i) => i.id);
        // Only the Platform Leads approver sees Riley's pending request; never Riley herself.
        expect(ids.includes(pending.id)).toBe(row.identity === "approver");
      }
      expect((await api.get(`${DEMO_URL}/api/notifications`)).status()).toBe(row.ownNotifications);
      const read = await api.post(`${DEMO_URL}/api/notifications/read`, { data: { ids: ["no-such-notification"] } });
      expect(read.status()).toBe(row.ownNotifications);
      expect((await api.get(`${DEMO_URL}/api/requests/${pending.id}`)).status()).toBe(row.rileysRequest);
      expect((await api.get(`${DEMO_URL}/api/requests`)).status()).toBe(row.identity === "anonymous" ? 401 : 200);
      expect((await api.get(`${DEMO_URL}/api/catalog`)).status()).toBe(row.identity === "anonymous" ? 401 : 200);
      await context.close();
    });
  }

  test("a user cannot mark another user's notifications read", async ({ browser }) => {
    const riley = await demoSession(browser, USERS.requester.email);
    const listRiley = async () => (await (await riley.context.request.get(`${DEMO_URL}/api/notifications`)).json()) as { items: { id: string; title: string; readAt: string | null }[] };
    // Avery's approval in beforeAll told Riley.
    const target = (await listRiley()).items.find((n) => !n.readAt && n.title.includes(decided.name));
    expect(target, "Riley has an unread notification about the approval").toBeTruthy();
    const avery = await demoSession(browser, USERS.approver.email);
    const res = await avery.context.request.post(`${DEMO_URL}/api/notifications/read`, { data: { ids: [target!.id] } });
    expect(res.status()).toBe(200);
    expect(await res.json()).toEqual({ marked: 0 });
    const form = await avery.context.request.post(`${DEMO_URL}/api/notifications/read`, {
      headers: { "content-type": "application/x-www-form-urlencoded" },
      data: "all=true",
    });
    expect(form.status()).toBe(415);
    expect((await listRiley()).items.find((n) => n.id === target!.id)?.readAt).toBeNull();
    // Riley herself can.
    const own = await riley.context.request.post(`${DEMO_URL}/api/notifications/read`, { data: { ids: [target!.id] } });
    expect(await own.json()).toEqual({ marked: 1 });
    await Promise.all([avery.context.close(), riley.context.close()]);
  });
});

test.describe("decide action (captured from Avery's approval)", () => {
  const expectations: { identity: TIdentity; expect: "forbidden-403" | RegExp | "approved" }[] = [
    { identity: "anonymous", expect: "forbidden-403" },
    { identity: "requester", expect: /You cannot decide your own request\./ },
    { identity: "anotherApprover", expect: /You are not an approver for this request\./ },
    { identity: "admin", expect: /You are not an approver for this request\./ },
    { identity: "approver", expect: "approved" },
  ];
  for (const row of expectations) {
    test(`${row.identity} deciding Riley's pending request → ${row.expect === "approved" ? "allowed" : "denied"}`, async ({ browser }) => {
      const { context } = await as(browser, row.identity);
      const body = decideBody(decide, pending.id, row.identity === "approver" ? "DENY" : "APPROVE");
      const res = await replayAction(context.request, decide, body);
      const riley = await demoSession(browser, USERS.requester.email);
      const status = (await requestStatus(riley.context.request, pending.id)).status;
      if (row.expect === "forbidden-403") {
        expect(res.status).toBe(403);
        expect(status).toBe("PENDING");
      } else if (row.expect === "approved") {
        // Last in the table: the rightful approver's decision goes through (a denial, with a comment).
        expect(res.text).toContain("Denied. The requester has been told.");
        expect(status).toBe("DENIED");
      } else {
        expect(res.text).toMatch(row.expect);
        expect(status).toBe("PENDING");
      }
      await Promise.all([context.close(), riley.context.close()]);
    });
  }
});

test.describe("requester-side actions replayed by others", () => {
  test("anonymous cannot submit a request", async ({ browser }) => {
    const { context } = await as(browser, "anonymous");
    expect((await replayAction(context.request, submit)).status).toBe(403);
    await context.close();
  });

  test("another user cannot cancel Riley's request; anonymous is refused outright", async ({ browser }) => {
    const riley = await demoSession(browser, USERS.requester.email);
    // The bucket of the request Riley cancelled: free to ask again (prod-workloads has three buckets).
    const fresh = await requestProdBucket(riley.page, 2, "Matrix: others try to cancel it");
    const oldId = (JSON.parse(cancel.body) as [{ requestId: string }])[0].requestId;
    const body = cancel.body.replaceAll(oldId, fresh.id);
    for (const identity of ["approver", "anotherApprover", "admin"] as const) {
      const { context } = await as(browser, identity);
      const res = await replayAction(context.request, cancel, body);
      expect(res.text, identity).not.toMatch(/"status":"CANCELLED"/);
      expect((await requestStatus(riley.context.request, fresh.id)).status, identity).toBe("PENDING");
      await context.close();
    }
    const anon = await as(browser, "anonymous");
    expect((await replayAction(anon.context.request, cancel, body)).status).toBe(403);
    await anon.context.close();
    // Riley can; and leaving nothing pending keeps later specs free to request this bucket.
    const own = await replayAction(riley.context.request, cancel, body);
    expect(own.status).toBe(200);
    expect((await requestStatus(riley.context.request, fresh.id)).status).toBe("CANCELLED");
    await riley.context.close();
  });

  test("a requester posting to the policies, grants and integration admin actions gets 403 and nothing runs", async ({ browser }) => {
    const admin = await demoSession(browser, USERS.admin.email);
    const captured: TCapturedAction[] = [];

    await admin.page.goto("/admin/grants");
    let next = captureNextAction(admin.page);
    await admin.page.getByTestId("reconcile-now").click();
    captured.push(describeAction(await next));

    // Disable, then re-enable, a policy no other spec relies on: the admin leaves it as it was.
    await admin.page.goto("/admin/policies");
    const row = admin.page.locator('[data-testid="policy-row"][data-policy-name="Dev workloads: S3 and EC2 read (automatic)"]');
    next = captureNextAction(admin.page);
    await row.getByRole("button", { name: "Disable" }).click();
    captured.push(describeAction(await next));
    await row.getByRole("button", { name: "Enable" }).click();
    await expect(row.getByRole("button", { name: "Disable" })).toBeVisible();

    await admin.page.goto("/admin/integration");
    await admin.page.locator('main a[href^="/admin/integration/"]:not([href="/admin/integration/new"])').first().click();
    const discover = admin.page.getByRole("button", { name: "Run discovery now" });
    await expect(discover).toBeEnabled();
    next = captureNextAction(admin.page);
    await discover.click();
    captured.push(describeAction(await next));

    const requester = await demoSession(browser, USERS.requester.email);
    for (const action of captured) {
      const res = await replayAction(requester.context.request, action);
      expect(res.status, `${action.path} as requester`).toBe(403);
    }
    // The requester's replayed "disable" did not run.
    await admin.page.goto("/admin/policies");
    await expect(row.getByRole("button", { name: "Disable" })).toBeVisible();
    await Promise.all([admin.context.close(), requester.context.close()]);
  });

  test("a requester reaches no admin page", async ({ browser }) => {
    const { context, page } = await as(browser, "requester");
    for (const path of ["/admin", "/admin/audit", "/admin/policies", "/admin/policies/new", "/admin/grants", "/admin/integration"]) {
      const res = await page.goto(path);
      expect(res?.status(), path).toBe(403);
    }
    await context.close();
  });

  test("the approvals page sends anonymous visitors to sign in", async ({ browser }) => {
    const { context, page } = await as(browser, "anonymous");
    await page.goto("/approvals");
    await expect(page).toHaveURL(/\/signin/);
    await context.close();
  });
});

test("the decided request stays decided for everyone", async ({ browser }) => {
  const avery = await demoSession(browser, USERS.approver.email);
  const again = await replayAction(avery.context.request, decide);
  expect(again.text).toMatch(/already approved/);
  const riley = await demoSession(browser, USERS.requester.email);
  expect((await requestStatus(riley.context.request, decided.id)).status).toBe("APPROVED");
  await Promise.all([avery.context.close(), riley.context.close()]);
});
