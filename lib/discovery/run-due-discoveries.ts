import type { TDb } from "../db/client.ts";
import { startDiscovery, STALE_RUN_MS, type TStartedDiscovery } from "./start-discovery.ts";

/**
 * Starts discovery for every enabled integration whose last run (successful or not) began longer
 * ago than its syncIntervalMinutes, so a failing integration is retried once per interval, not on
 * every tick. Does not wait for the runs: they report progress on their SyncRun rows, and each one's
 * `done` is for the caller to keep its host alive until the run ends (the worker tick hands it to its
 * `defer`). Called by the worker tick; assumes no user is involved (audited as "system").
 */
export async function runDueDiscoveries(db: TDb, now: Date = new Date()): Promise<{ integrationId: string; runId: string; done: TStartedDiscovery["done"] }[]> {
  const integrations = await db.integration.findMany({
    where: { enabled: true, kind: "IDENTITY_CENTER" },
    select: { id: true, lastSyncAt: true, syncIntervalMinutes: true, syncRuns: { orderBy: { startedAt: "desc" }, take: 1, select: { startedAt: true, status: true, heartbeatAt: true } } },
  });
  const started = [];
  for (const i of integrations) {
    const last = i.syncRuns[0];
    if (last?.status === "RUNNING" && now.getTime() - last.heartbeatAt.getTime() < STALE_RUN_MS) continue;
    const lastStart = Math.max(i.lastSyncAt?.getTime() ?? 0, last?.startedAt.getTime() ?? 0);
    if (now.getTime() - lastStart < i.syncIntervalMinutes * 60_000) continue;
    const run = await startDiscovery(db, i.id, { trigger: "SCHEDULE", actor: "system", now });
    if (!run.alreadyRunning) started.push({ integrationId: i.id, runId: run.runId, done: run.done });
  }
  return started;
}
