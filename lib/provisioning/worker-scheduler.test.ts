import { describe, expect, it } from "vitest";
import { createWorkerScheduler } from "./worker-scheduler.ts";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("createWorkerScheduler", () => {
  it("ticks at start, right after a (debounced) kick, and at the next due time before the interval", async () => {
    const ticks: number[] = [];
    let due: Date | null = null;
    const t0 = Date.now();
    const s = createWorkerScheduler({
      intervalMs: 60_000,
      debounceMs: 10,
      runTick: async () => {
        ticks.push(Date.now() - t0);
        return { claimed: 0, batchSize: 10 };
      },
      nextDueAt: async () => due,
    });
    await sleep(50);
    expect(ticks).toHaveLength(1);
    for (let i = 0; i < 5; i++) s.kick();
    await sleep(60);
    expect(ticks).toHaveLength(2); // five kicks, one tick
    due = new Date(Date.now() + 100);
    s.kick();
    await sleep(40);
    expect(ticks).toHaveLength(3);
    await sleep(150);
    expect(ticks.length).toBeGreaterThanOrEqual(4); // woke at the due time, long before the 60 s interval
    await s.stop();
  });

  it("runs again at once while batches come back full, and stops cleanly", async () => {
    let n = 0;
    const s = createWorkerScheduler({
      intervalMs: 60_000,
      runTick: async () => {
        n += 1;
        return { claimed: n < 4 ? 10 : 0, batchSize: 10 };
      },
    });
    await sleep(80);
    expect(n).toBe(4);
    await s.stop();
    s.kick();
    await sleep(50);
    expect(n).toBe(4);
  });
});
