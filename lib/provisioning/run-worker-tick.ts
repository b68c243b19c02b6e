import { randomUUID } from "node:crypto";
import type { TDb } from "../db/client.ts";
import { advanceGrant, SimulatedCrash } from "./advance-grant.ts";
import { claimDueGrants, releaseGrant } from "./claim-due-grants.ts";
import type { TGrantEvent } from "./grant-events.ts";
import { workPool } from "./provisioning-limits.ts";
import type { TWorkerOptions } from "./worker-options.ts";

const UNEXPECTED_ERROR_BACKOFF_MS = 30_000;

export type TTickReport = { workerId: string; claimed: number; failed: number; events: { grantId: string; event: TGrantEvent }[]; ms: number };

/**
 * One worker tick over grants: claim due grants with leases, advance each as far as it can go
 * now (concurrently, within AWS's limits), release them, then announce state changes after their
 * transactions committed. Importable from scripts (no server-only). System actor: no authorization;
 * the HTTP route authenticates its caller first.
 */
export async function runWorkerTick(db: TDb, base: TWorkerOptions): Promise<TTickReport> {
  const started = Date.now();
  // Each tick leases under its own token: ticks of one process overlap (the scheduler allows a few), and
  // a claim that outlived its lease must lose every write to the tick that re-claimed the grant, not share it.
  const options: TWorkerOptions = { ...base, workerId: `${base.workerId}#${randomUUID().slice(0, 8)}` };
  const ids = await claimDueGrants(db, options.workerId, { limit: options.batchSize, leaseMs: options.leaseMs });
  const pool = workPool(options.concurrency);
  const events: TTickReport["events"] = [];
  let failed = 0;
  await Promise.all(
    ids.map((id) =>
      pool(async () => {
        try {
          // Claimed but not reached before the deadline: released untouched, due for the next tick.
          if (options.deadline !== undefined && Date.now() >= options.deadline) return;
          events.push(...(await advanceGrant(db, id, options)));
        } catch (e) {
          // A database hiccup or a bug in one grant must not stop the others; the lease runs out and it is retried.
          failed += 1;
          if (e instanceof SimulatedCrash) return;
          const message = e instanceof Error ? e.message : String(e);
          console.error("provisioning: grant step failed", { grantId: id, error: message });
          // Not an AWS answer (those are handled per step): back off so a broken row cannot spin the scheduler.
          await db.grant
            .updateMany({ where: { id, lockedBy: options.workerId }, data: { nextRunAt: new Date(Date.now() + UNEXPECTED_ERROR_BACKOFF_MS), lastError: `Worker error: ${message}`.slice(0, 1000) } })
            .catch(() => {});
        } finally {
          await releaseGrant(db, id, options.workerId).catch(() => {});
        }
      }),
    ),
  );
  if (options.notify) {
    for (const e of events) await options.notify(e.grantId, e.event).catch(() => {});
  }
  return { workerId: base.workerId, claimed: ids.length, failed, events, ms: Date.now() - started };
}
