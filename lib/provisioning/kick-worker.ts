import { EventEmitter } from "node:events";

/**
 * A nudge for the in-process worker: call it right after a change that gives the worker work
 * (an approval, a revoke, an extension) so access arrives in seconds instead of at the next tick.
 * It carries no data and is safe to call from anywhere; with no in-process worker it does nothing.
 * The worker's own correctness never depends on it (ticks and leases do that).
 */
const holder = globalThis as unknown as { __jitWorkerSignal?: EventEmitter };
export const workerSignal: EventEmitter = (holder.__jitWorkerSignal ??= new EventEmitter());

export function kickWorker(reason = "change"): void {
  workerSignal.emit("kick", reason);
}
