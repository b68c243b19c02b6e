/**
 * The in-process trigger for worker ticks in a single-node install: every `intervalMs`, at the
 * next grant's due time (so expiry is on time between intervals), and right after a kick (an
 * approval or a revoke), debounced. Several ticks may overlap (up to `maxConcurrentTicks`): leases
 * keep them off each other's grants, and a kick is not stuck behind a long batch of revocations.
 * Importable from scripts (no server-only); the portal starts it from instrumentation.ts.
 */
export type TWorkerScheduler = { kick(reason?: string): void; stop(): Promise<void>; readonly running: number };

export type TSchedulerOptions = {
  intervalMs: number;
  runTick: () => Promise<{ claimed: number; batchSize: number }>;
  /** When the next grant falls due; lets the scheduler wake up exactly then. */
  nextDueAt?: () => Promise<Date | null>;
  debounceMs?: number;
  maxConcurrentTicks?: number;
  onError?: (error: unknown) => void;
};

export function createWorkerScheduler(o: TSchedulerOptions): TWorkerScheduler {
  const debounceMs = o.debounceMs ?? 25;
  const maxConcurrent = o.maxConcurrentTicks ?? 3;
  let running = 0;
  let stopped = false;
  let again = false;
  let kickTimer: NodeJS.Timeout | undefined;
  let wakeTimer: NodeJS.Timeout | undefined;
  const inFlight = new Set<Promise<void>>();

  const schedule = (ms: number) => {
    if (stopped) return;
    clearTimeout(wakeTimer);
    wakeTimer = setTimeout(start, Math.max(0, ms));
    wakeTimer.unref?.();
  };

  async function planNext() {
    let ms = o.intervalMs;
    try {
      const due = await o.nextDueAt?.();
      if (due) ms = Math.min(ms, due.getTime() - Date.now() + 5);
    } catch (e) {
      o.onError?.(e);
    }
    schedule(ms);
  }

  function start() {
    if (stopped) return;
    if (running >= maxConcurrent) {
      again = true;
      return;
    }
    running += 1;
    // Keep the periodic wake-up armed while this tick runs: a long tick must not delay other due grants.
    schedule(o.intervalMs);
    const p = (async () => {
      let full = false;
      try {
        const r = await o.runTick();
        full = r.claimed >= r.batchSize;
      } catch (e) {
        o.onError?.(e);
      } finally {
        running -= 1;
      }
      // A full batch means more is due: go again at once. Otherwise sleep until the next due grant.
      if (full || again) {
        again = false;
        start();
      } else await planNext();
    })();
    inFlight.add(p);
    void p.finally(() => inFlight.delete(p));
  }

  schedule(0);
  return {
    kick() {
      if (stopped) return;
      clearTimeout(kickTimer);
      kickTimer = setTimeout(start, debounceMs);
      kickTimer.unref?.();
    },
    async stop() {
      stopped = true;
      clearTimeout(kickTimer);
      clearTimeout(wakeTimer);
      await Promise.allSettled([...inFlight]);
    },
    get running() {
      return running;
    },
  };
}
