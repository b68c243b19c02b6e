import { describe, expect, it, vi } from "vitest";

// The tick's wiring only: each part is mocked and tested on its own elsewhere.
const alerted: string[] = [];
vi.mock("../env.ts", () => ({ env: { WORKER_RECONCILE_INTERVAL_MS: 60_000 } }));
vi.mock("../db/client.ts", () => ({ getDb: async () => ({}) }));
vi.mock("./worker-options.ts", () => ({ workerOptions: () => ({ batchSize: 10 }) }));
vi.mock("./run-worker-tick.ts", () => ({ runWorkerTick: async () => ({ claimed: 0, events: [], failed: 0, ms: 1 }) }));
vi.mock("../access/expire-pending-requests.ts", () => ({ expirePendingRequests: async () => ({ timedOut: 0, extensionsClosed: 0 }) }));
vi.mock("../notifications/remind-expiring-grants.ts", () => ({ remindExpiringGrants: async () => 2 }));
let dueRuns: { integrationId: string; runId: string; done: Promise<unknown> }[] = [];
vi.mock("../discovery/run-due-discoveries.ts", () => ({ runDueDiscoveries: async () => dueRuns }));
vi.mock("../notifications/notify-grant-event.ts", () => ({ notifyGrantEvent: async () => null }));
vi.mock("../notifications/notify-reconcile-findings.ts", () => ({
  notifyReconcileFindings: async (_db: unknown, runId: string) => {
    alerted.push(runId);
  },
}));
// The first integration's run finishes; the second throws before it is recorded.
vi.mock("./reconcile-integration.ts", () => ({
  runDueReconciles: async (_db: unknown, _now: Date, options: { onFinished?: (run: { id: string }) => Promise<unknown> }) => {
    await options.onFinished?.({ id: "run-1" });
    throw new Error("connection lost");
  },
}));

const { runScheduledTick } = await import("./run-scheduled-tick.ts");

describe("runScheduledTick", () => {
  it("alerts a reconcile run's findings as it finishes, though a later run throws, and reports reminders", async () => {
    const report = await runScheduledTick({} as never, { defer: (task) => void task() });
    expect(alerted).toEqual(["run-1"]);
    expect(report.reconciles).toBe(1);
    expect(report.expiryReminders).toBe(2);
    expect(report.housekeepingErrors).toEqual(["reconcile: connection lost"]);
  });

  it("hands each started discovery run's completion to defer, so a serverless host stays alive until it ends", async () => {
    let finish!: (v: unknown) => void;
    const done = new Promise((resolve) => (finish = resolve));
    dueRuns = [{ integrationId: "integration-1", runId: "sync-1", done }];
    const deferred: (() => Promise<unknown>)[] = [];
    try {
      const report = await runScheduledTick({} as never, { defer: (task) => void deferred.push(task) });
      expect(report.discoveriesStarted).toBe(1);
      const waits = deferred.map((task) => task());
      expect(waits).toHaveLength(1);
      let ended = false;
      void Promise.all(waits).then(() => (ended = true));
      await new Promise((resolve) => setTimeout(resolve, 10));
      expect(ended, "defer's task ends only when the run does").toBe(false);
      finish({ status: "SUCCEEDED" });
      await Promise.all(waits);
      expect(ended).toBe(true);
    } finally {
      dueRuns = [];
    }
  });
});
