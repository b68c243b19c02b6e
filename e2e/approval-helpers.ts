// Shared steps for the approver-side specs (approvals.spec.ts, authorization-matrix.spec.ts).
import { expect, type APIRequestContext, type Page, type Request } from "@playwright/test";
import { DEMO_URL } from "../playwright.config";

export const PROD_WORKLOADS = "222222222222";

/**
 * As a requester would: filter the catalog to S3 buckets in prod-workloads, open the `index`-th bucket,
 * ask for read access for one hour with a justification. Returns the bucket name and the new request id.
 */
export async function requestProdBucket(page: Page, index: number, justification: string) {
  await page.goto("/catalog");
  await page.locator('select[name="type"]').selectOption("S3_BUCKET");
  await page.locator('input[name="account"]').fill(PROD_WORKLOADS);
  await page.locator('input[name="account"]').press("Enter");
  await page.waitForURL(/account=222222222222/);
  const item = page.getByTestId("catalog-item").nth(index);
  const name = (await item.getAttribute("data-name"))!;
  expect(name).toBeTruthy();
  await item.getByRole("link", { name: `Request access to ${name}` }).click();
  const form = page.getByTestId("request-form");
  await expect(form).toBeVisible();
  await form.getByRole("radio").first().check();
  await form.getByRole("button", { name: "1 h", exact: true }).click().catch(() => undefined);
  await form.locator('textarea[name="justification"]').fill(justification);
  await form.getByRole("button", { name: "Submit request" }).click();
  await page.waitForURL(/\/requests\?submitted=/);
  const id = new URL(page.url()).searchParams.get("submitted")!;
  expect(id).toBeTruthy();
  return { name, id };
}

/** Resolves with the next server-action POST the page sends (how an attacker learns an action id). */
export function captureNextAction(page: Page): Promise<Request> {
  return new Promise<Request>((resolve) =>
    page.on("request", (r) => {
      if (r.method() === "POST" && r.headers()["next-action"]) resolve(r);
    }),
  );
}

export type TCapturedAction = { path: string; actionId: string; contentType: string; body: string };

export function describeAction(request: Request): TCapturedAction {
  const headers = request.headers();
  return {
    path: new URL(request.url()).pathname,
    actionId: headers["next-action"]!,
    contentType: headers["content-type"] ?? "text/plain;charset=UTF-8",
    body: request.postData() ?? "[]",
  };
}

/** Replays a captured server action with another identity (and optionally another payload). */
export async function replayAction(api: APIRequestContext, action: TCapturedAction, body = action.body) {
  const res = await api.post(`${DEMO_URL}${action.path}`, {
    headers: { "next-action": action.actionId, "content-type": action.contentType, accept: "text/x-component" },
    data: body,
  });
  return { status: res.status(), text: await res.text() };
}

/** The decide action's payload for another request id / step / decision, in the captured encoding. */
export function decideBody(action: TCapturedAction, requestId: string, decision: "APPROVE" | "DENY" = "APPROVE", step = 0) {
  const parsed = JSON.parse(action.body) as [Record<string, unknown>];
  return JSON.stringify([{ ...parsed[0], requestId, decision, step, comment: decision === "DENY" ? "replayed" : parsed[0].comment }]);
}

export async function requestStatus(api: APIRequestContext, id: string) {
  const res = await api.get(`${DEMO_URL}/api/requests/${id}`);
  expect(res.status(), `GET /api/requests/${id}`).toBe(200);
  return (await res.json()) as { status: string; currentStep: number; grant: { state: string } | null };
}
