import { beforeEach, describe, expect, it, vi } from "vitest";

const ticks: { budgetMs?: number }[] = [];
vi.mock("@/lib/env", () => ({ env: { WORKER_SECRET: "s".repeat(32) } }));
vi.mock("@/lib/db/client", () => ({ getDb: async () => ({}) }));
vi.mock("@/lib/provisioning/run-scheduled-tick", () => ({
  runScheduledTick: async (_db: unknown, opts: { budgetMs?: number }) => {
    ticks.push(opts);
    return { claimed: 0, events: [], failed: 0, timedOut: 0, extensionsClosed: 0, expiryReminders: 0, discoveriesStarted: 0, reconciles: 0, housekeepingErrors: [], ms: 1 };
  },
}));

const route = await import("./route");

beforeEach(() => {
  ticks.length = 0;
});

describe("/api/worker", () => {
  // Vercel cron only sends GET; Kubernetes CronJobs and EventBridge usually POST.
  for (const method of ["GET", "POST"] as const) {
    it(`${method} runs one tick within the route's budget for the right Bearer secret only`, async () => {
      const handler = route[method];
      const denied = await handler(new Request("http://x/api/worker", { method, headers: { authorization: "Bearer wrong" } }));
      expect(denied.status).toBe(401);
      expect(ticks).toHaveLength(0);
      const ok = await handler(new Request("http://x/api/worker", { method, headers: { authorization: `Bearer ${"s".repeat(32)}` } }));
      expect(ok.status).toBe(200);
      expect(ticks).toHaveLength(1);
      expect(ticks[0]!.budgetMs).toBeLessThan(route.maxDuration * 1000);
    });
  }
});
