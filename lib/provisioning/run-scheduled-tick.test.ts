import { describe, expect, it, vi } from "vitest";

// The tick's wiring only: each part is mocked and tested on its own elsewhere.
const alerted: string[] = [];
vi.mock("../env.ts", () => ({ env: { WORKER_RECONCILE_INTERVAL_MS: 60_000 } }));
vi.mock("../db/client.ts", () => ({ getDb: async () => ({}) }));
vi.mock("./worker-options.ts", () => ({ workerOptions: () => ({ batchSize: 10 }) }));
vi.mock("./run-worker-tick.ts", () => ({ runWorkerTick: async () => ({ claimed: 0, events: [], failed: 0, ms: 1 }) }));
vi.mock("../access/expire-pending-requests.ts", () => ({ expirePendingRequests: async () => ({ timedOut: 0, extensionsClosed: 0 }) }));
vi.mock("../notifications/remind-expiring-grants.ts", () => ({ remindExpiringGrants: async () => 2 }));
vi.mock("../discovery/run-due-discoveries.ts", () => ({ runDueDiscoveries: async () => [] }));
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
});
