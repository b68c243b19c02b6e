import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import { awsRateLimits, type TApiFamily } from "../aws/aws-rate-limit.ts";
import type { TSessionCredentials } from "../aws/sts-api.ts";
import type { TResourceTypeName } from "../integrations/integration-config-schema.ts";
import { fetchAccountResources, type TAccountScan } from "./fetch-account-resources.ts";
import type { TScanTarget } from "./resolve-scan-targets.ts";

export type TScanJob = {
  id: number;
  credentials: TSessionCredentials;
  target: TScanTarget;
  homeRegion: string;
  portalRoleName: string | null;
  rates: Record<TApiFamily, number>;
};
type TWireScan = Omit<TAccountScan, "failedTypes"> & { failedTypes: TResourceTypeName[] };
export type TScanReply = { id: number; scan: TWireScan } | { id: number; error: { name: string; message: string } };

export type TScanPoolOptions = {
  /** Most worker threads (default: one per core, at most 4). 0: every scan runs on the calling thread. */
  threads?: number;
  /** Scans in flight on the calling thread before threads start (default 8): small organizations never start one. */
  inlineUpTo?: number;
};

export type TAccountScanner = {
  scan(credentials: TSessionCredentials, target: TScanTarget, homeRegion: string, portalRoleName: string | null): Promise<TAccountScan>;
  /** Stops the threads; scans still in flight reject. */
  close(): Promise<void>;
  /** Threads started so far (tests, benchmarks). */
  readonly threadsStarted: number;
};

/**
 * Scans member accounts, on worker threads once a run is large. A scan is hundreds of small AWS
 * calls whose cost is the SDK's CPU per call (signing, middleware, XML/JSON parsing): on one thread
 * a large organization's discovery is capped at one core and keeps the server's request thread busy
 * for the whole run. Each thread takes whole accounts, so every per-account and per-region rate
 * limit stays in the one thread that scans that account; the organization-wide calls (STS,
 * Organizations, Identity Center) and all database writes stay on the calling thread.
 */
export function accountScanPool(o: TScanPoolOptions = {}): TAccountScanner {
  // At most 4 by default: in a container, availableParallelism() can report the host's cores, not the pod's CPU limit.
  const maxThreads = o.threads ?? Math.min(4, availableParallelism());
  const inlineUpTo = o.inlineUpTo ?? 8;
  type TSlot = { worker: Worker; inFlight: number };
  const slots: TSlot[] = [];
  const pending = new Map<number, { resolve: (s: TAccountScan) => void; reject: (e: Error) => void; slot: TSlot }>();
  let nextId = 1;
  let inline = 0;
  let closed = false;

  const rejectSlot = (slot: TSlot, e: Error) => {
    for (const [id, p] of pending) {
      if (p.slot !== slot) continue;
      pending.delete(id);
      p.reject(e);
    }
    // A thread that died takes no more work; the others (or new ones) carry on.
    const i = slots.indexOf(slot);
    if (i >= 0) slots.splice(i, 1);
  };

  const start = (): TSlot => {
    // Next's bundler turns this exact `new Worker(new URL(…))` into a bundled worker entry (its
    // import.meta has no resolve()); run from source (tests, scripts) the entry is TypeScript, which
    // Node 20 loads only through tsx's hooks.
    const worker = runningFromSource() ? typeScriptWorker(new URL("./scan-worker.ts", import.meta.url)) : new Worker(new URL("./scan-worker.ts", import.meta.url));
    const slot: TSlot = { worker, inFlight: 0 };
    worker.on("message", (reply: TScanReply) => {
      const p = pending.get(reply.id);
      if (!p) return;
      pending.delete(reply.id);
      slot.inFlight -= 1;
      if ("error" in reply) p.reject(Object.assign(new Error(reply.error.message), { name: reply.error.name }));
      else p.resolve({ ...reply.scan, failedTypes: new Set(reply.scan.failedTypes) });
    });
    worker.on("error", (e: unknown) => rejectSlot(slot, e instanceof Error ? e : new Error(String(e))));
    worker.on("exit", (code) => rejectSlot(slot, new Error(`the account scan thread stopped (exit code ${code})`)));
    slots.push(slot);
    return slot;
  };

  const scanInline = async (credentials: TSessionCredentials, target: TScanTarget, homeRegion: string, portalRoleName: string | null) => {
    inline += 1;
    try {
      return await fetchAccountResources(credentials, target, homeRegion, { portalRoleName });
    } finally {
      inline -= 1;
    }
  };

  let started = 0;
  return {
    get threadsStarted() {
      return started;
    },
    scan(credentials, target, homeRegion, portalRoleName) {
      if (closed) return Promise.reject(new Error("the account scan pool is closed"));
      if (maxThreads <= 0 || (slots.length === 0 && inline < inlineUpTo)) return scanInline(credentials, target, homeRegion, portalRoleName);
      // Least-loaded thread; another starts while every running one is busy, up to maxThreads.
      let slot = slots.reduce<TSlot | undefined>((best, s) => (!best || s.inFlight < best.inFlight ? s : best), undefined);
      if (!slot || (slot.inFlight > 0 && slots.length < maxThreads)) {
        slot = start();
        started += 1;
      }
      const id = nextId++;
      const chosen = slot;
      chosen.inFlight += 1;
      return new Promise<TAccountScan>((resolve, reject) => {
        pending.set(id, { resolve, reject, slot: chosen });
        chosen.worker.postMessage({ id, credentials, target, homeRegion, portalRoleName, rates: { ...awsRateLimits() } } satisfies TScanJob);
      });
    },
    async close() {
      closed = true;
      await Promise.all(slots.map((s) => s.worker.terminate()));
    },
  };
}

function runningFromSource() {
  const meta = import.meta as Partial<ImportMeta>;
  return typeof meta.resolve === "function" && import.meta.url.endsWith(".ts");
}

/** From source: register tsx in the thread, then load the TypeScript entry. */
function typeScriptWorker(entry: URL) {
  const tsx = import.meta.resolve("tsx/esm/api");
  return new Worker(`import(${JSON.stringify(tsx)}).then(({ register }) => { register(); return import(${JSON.stringify(entry.href)}); });`, { eval: true });
}
