import "server-only";
import type { TDb } from "../db/client.ts";
import type { TRunError } from "./run-discovery.ts";
import { STALE_RUN_MS } from "./start-discovery.ts";

export type TSyncRunView = {
  id: string;
  trigger: string;
  status: "RUNNING" | "SUCCEEDED" | "PARTIAL" | "FAILED";
  stale: boolean;
  startedAt: string;
  finishedAt: string | null;
  heartbeatAt: string;
  accountsTotal: number;
  accountsDone: number;
  resourcesFound: number;
  counts: Record<string, number>;
  errors: TRunError[];
};

/**
 * The integration's recent discovery runs, newest first, as plain JSON for the live progress panel.
 * Assumes the caller is an admin.
 */
export async function listSyncRuns(db: TDb, integrationId: string, take = 10, now = new Date()): Promise<TSyncRunView[]> {
  const runs = await db.syncRun.findMany({ where: { integrationId }, orderBy: { startedAt: "desc" }, take });
  return runs.map((r) => ({
    id: r.id,
    trigger: r.trigger,
    status: r.status,
    stale: r.status === "RUNNING" && now.getTime() - r.heartbeatAt.getTime() > STALE_RUN_MS,
    startedAt: r.startedAt.toISOString(),
    finishedAt: r.finishedAt?.toISOString() ?? null,
    heartbeatAt: r.heartbeatAt.toISOString(),
    accountsTotal: r.accountsTotal,
    accountsDone: r.accountsDone,
    resourcesFound: r.resourcesFound,
    counts: (r.counts ?? {}) as Record<string, number>,
    errors: Array.isArray(r.errors) ? (r.errors as unknown as TRunError[]) : [],
  }));
}
