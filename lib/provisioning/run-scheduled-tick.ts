import "server-only";
import { getDb, type TDb } from "../db/client.ts";
import { env } from "../env.ts";
import { expirePendingRequests } from "../access/expire-pending-requests.ts";
import { runDueDiscoveries } from "../discovery/run-due-discoveries.ts";
import { notifyGrantEvent } from "../notifications/notify-grant-event.ts";
import { notifyReconcileFindings } from "../notifications/notify-reconcile-findings.ts";
import { remindExpiringGrants } from "../notifications/remind-expiring-grants.ts";
import { runDueReconciles } from "./reconcile-integration.ts";
import { runWorkerTick, type TTickReport } from "./run-worker-tick.ts";
import type { TGrantEvent } from "./grant-events.ts";
import { workerOptions, type TWorkerOptions } from "./worker-options.ts";

export type TScheduledTickReport = TTickReport & { batchSize: number; timedOut: number; extensionsClosed: number; expiryReminders: number; discoveriesStarted: number; reconciles: number; housekeepingErrors: string[] };

/** Least time left in a bounded tick for a reconcile to start. */
export const RECONCILE_MIN_MS = 10_000;

const holder = globalThis as unknown as { __jitWorkerOptions?: TWorkerOptions };

/**
 * Email and Slack leave the tick: a hung mail server (10–15 s per recipient) would otherwise hold every
 * expiry and revoke queued behind it. The in-app rows still commit inside the tick; delivery never throws.
 */
const inBackground = (task: () => Promise<unknown>) => {
  void task().catch((e: unknown) => console.error("notifications: background delivery failed", e));
};

/** This process's worker settings (one worker id per process), with notifications wired in. */
export function portalWorkerOptions(): TWorkerOptions {
  holder.__jitWorkerOptions ??= workerOptions({ notify: async (grantId, event) => notifyGrantEvent(await getDb(), grantId, event, { defer: inBackground }) });
  return holder.__jitWorkerOptions;
}

/**
 * One full tick as the route and the in-process scheduler run it: grants first (what users wait
 * for), then housekeeping — pending requests past their deadline, due discoveries, due reconciles.
 * A housekeeping failure is reported, never allowed to stop grant work. System actor: the caller
 * (route or scheduler) authenticated the trigger.
 */
export async function runScheduledTick(
  database: TDb,
  options: {
    housekeeping?: boolean;
    /**
     * Runs email/Slack delivery and waits for started discovery runs after the tick: the route passes Next's after()
     * (a serverless host may freeze a function once it answered); default: in the background of this long-lived process.
     */
    defer?: (task: () => Promise<unknown>) => void;
    /**
     * Time the whole tick may take (the route: below its host's limit). Grant steps stop starting at it,
     * and a reconcile runs only with RECONCILE_MIN_MS left, its permission-set scan stopping at the same
     * deadline and continuing next tick. Default: none (the in-process scheduler of a long-lived server).
     */
    budgetMs?: number;
  } = {},
): Promise<TScheduledTickReport> {
  const defer = options.defer ?? inBackground;
  const deadline = options.budgetMs === undefined ? undefined : Date.now() + options.budgetMs;
  const base = portalWorkerOptions();
  const withNotify = options.defer ? { ...base, notify: async (grantId: string, event: TGrantEvent) => notifyGrantEvent(database, grantId, event, { defer }) } : base;
  const opts = deadline === undefined ? withNotify : { ...withNotify, deadline };
  const report = await runWorkerTick(database, opts);
  const out: TScheduledTickReport = { ...report, batchSize: opts.batchSize, timedOut: 0, extensionsClosed: 0, expiryReminders: 0, discoveriesStarted: 0, reconciles: 0, housekeepingErrors: [] };
  if (options.housekeeping === false) return out;
  const now = new Date();
  const guard = async (name: string, fn: () => Promise<void>) => {
    try {
      await fn();
    } catch (e) {
      out.housekeepingErrors.push(`${name}: ${e instanceof Error ? e.message : String(e)}`);
      console.error(`worker: ${name} failed`, e);
    }
  };
  await guard("expirePendingRequests", async () => {
    const closed = await expirePendingRequests(database, now, { defer });
    out.timedOut = closed.timedOut;
    out.extensionsClosed = closed.extensionsClosed;
  });
  await guard("remindExpiringGrants", async () => {
    out.expiryReminders = await remindExpiringGrants(database, now, { defer, ...(deadline === undefined ? {} : { deadline }) });
  });
  await guard("runDueDiscoveries", async () => {
    const started = await runDueDiscoveries(database, now);
    // A run outlives the tick: handed to `defer`, a serverless host (after()) keeps the function alive until it ends.
    for (const run of started) defer(() => run.done);
    out.discoveriesStarted = started.length;
  });
  // With too little time left a reconcile waits for the next tick (it stays due) rather than start and be cut off.
  if (env.WORKER_RECONCILE_INTERVAL_MS > 0 && (deadline === undefined || deadline - Date.now() >= RECONCILE_MIN_MS)) {
    await guard("reconcile", async () => {
      // New findings (leftovers, sets not removed, failures) alert the admins once each, as each run finishes:
      // a later run that throws must not lose the alerts of those before it.
      await runDueReconciles(database, now, {
        intervalMs: env.WORKER_RECONCILE_INTERVAL_MS,
        deadline,
        onFinished: async (run) => {
          out.reconciles += 1;
          await notifyReconcileFindings(database, run.id, { defer });
        },
      });
    });
  }
  return out;
}
