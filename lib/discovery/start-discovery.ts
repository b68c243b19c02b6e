import { appendAuditEvent, type TAuditActor } from "../audit/append-audit-event.ts";
import type { TDb } from "../db/client.ts";
import { AppError } from "../errors/app-error.ts";
import { runDiscovery, type TDiscoverySummary, type TRunDiscoveryOptions } from "./run-discovery.ts";

/** A RUNNING run whose heartbeat is older than this is presumed dead (process restarted) and superseded. */
export const STALE_RUN_MS = 2 * 60_000;

/** Serialises run creation per integration across connections and replicas. */
const SYNC_LOCK_NAMESPACE = 0x53594e43; // "SYNC"

export type TStartedDiscovery = { runId: string; alreadyRunning: boolean; done: Promise<TDiscoverySummary | null> };

/**
 * Starts a discovery run for one integration unless one is already running (a fresh heartbeat):
 * then its id is returned instead. A stale RUNNING run is marked FAILED and superseded. The run
 * itself continues in the background (`done`); its progress is on the SyncRun row.
 * Assumes the caller is an admin (checked by the action) or the scheduler.
 */
export async function startDiscovery(db: TDb, integrationId: string, opts: { trigger: "MANUAL" | "SCHEDULE" | "DEMO" | "SETUP"; actor: TAuditActor; now?: Date; run?: TRunDiscoveryOptions }): Promise<TStartedDiscovery> {
  const now = opts.now ?? new Date();
  const started = await db.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(${SYNC_LOCK_NAMESPACE}::int, hashtext(${integrationId}))`;
    const integration = await tx.integration.findUnique({ where: { id: integrationId }, select: { id: true, enabled: true } });
    if (!integration) throw new AppError("NOT_FOUND", { userMessage: "That integration does not exist." });
    const running = await tx.syncRun.findFirst({ where: { integrationId, status: "RUNNING" }, orderBy: { startedAt: "desc" } });
    if (running && now.getTime() - running.heartbeatAt.getTime() < STALE_RUN_MS) return { runId: running.id, alreadyRunning: true };
    if (running) {
      await tx.syncRun.updateMany({
        where: { integrationId, status: "RUNNING" },
        data: { status: "FAILED", finishedAt: now, errors: [{ accountId: null, scope: "run", message: `No heartbeat since ${running.heartbeatAt.toISOString()}`, fix: "The process running it stopped; a new run replaced it." }] },
      });
    }
    const run = await tx.syncRun.create({ data: { integrationId, trigger: opts.trigger, status: "RUNNING", startedAt: now, heartbeatAt: now } });
    await appendAuditEvent(tx, { actor: opts.actor, action: "discovery.run_started", subjectType: "SyncRun", subjectId: run.id, integrationId, details: { trigger: opts.trigger, superseded: running?.id ?? null } });
    return { runId: run.id, alreadyRunning: false };
  });
  if (started.alreadyRunning) return { ...started, done: Promise.resolve(null) };
  const done = runDiscovery(db, started.runId, opts.run).catch((e: unknown) => {
    console.error("discovery run crashed", e);
    return null;
  });
  return { ...started, done };
}
