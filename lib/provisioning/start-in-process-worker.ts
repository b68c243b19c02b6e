import "server-only";
import { getDb } from "../db/client.ts";
import { env } from "../env.ts";
import { nextDueAt } from "./claim-due-grants.ts";
import { workerSignal } from "./kick-worker.ts";
import { runScheduledTick } from "./run-scheduled-tick.ts";
import { createWorkerScheduler, type TWorkerScheduler } from "./worker-scheduler.ts";

const holder = globalThis as unknown as { __jitInProcessWorker?: TWorkerScheduler };

/** Housekeeping (discovery, reconcile, pending timeouts) at most this often; grant ticks run far more often. */
const HOUSEKEEPING_EVERY_MS = 5_000;

/**
 * Starts the in-process worker once per process (WORKER_INTERVAL_MS > 0), listening for kicks
 * from approvals and revokes. Called from instrumentation.ts on the Node.js runtime. No caller
 * authorization: it only ever runs the system's own worker.
 */
export function startInProcessWorker(): TWorkerScheduler | null {
  if (env.WORKER_INTERVAL_MS === 0) return null;
  if (holder.__jitInProcessWorker) return holder.__jitInProcessWorker;
  let lastHousekeeping = 0;
  const scheduler = createWorkerScheduler({
    intervalMs: env.WORKER_INTERVAL_MS,
    runTick: async () => {
      const db = await getDb();
      const housekeeping = Date.now() - lastHousekeeping >= Math.min(HOUSEKEEPING_EVERY_MS, env.WORKER_INTERVAL_MS);
      if (housekeeping) lastHousekeeping = Date.now();
      return runScheduledTick(db, { housekeeping });
    },
    nextDueAt: async () => nextDueAt(await getDb()),
    onError: (e) => console.error("worker: tick failed", e),
  });
  workerSignal.on("kick", () => scheduler.kick());
  holder.__jitInProcessWorker = scheduler;
  return scheduler;
}
