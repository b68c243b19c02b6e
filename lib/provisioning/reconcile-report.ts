import type { TReconcileFinding } from "./reconcile-integration.ts";

export type TReconcileRunRow = {
  id: string;
  integrationId: string;
  integrationName: string;
  trigger: string;
  status: string;
  startedAt: Date;
  finishedAt: Date | null;
  findings: unknown;
  resumeAfterArn: string | null;
};

/** What the Grants page shows of reconciling one integration. */
export type TIntegrationReconcile = {
  integrationId: string;
  integrationName: string;
  /** A run in progress now, if any (its findings are not final). */
  running: { startedAt: string; trigger: string } | null;
  /**
   * The newest complete pass: a run, plus the scheduled continuations that finished its permission-set
   * scan (a continuation skips the grant checks, so its own findings alone would hide the first run's).
   * Null when no pass has finished yet.
   */
  report: {
    startedAt: string;
    finishedAt: string | null;
    trigger: string;
    /** The worst status of its finished runs (INTERRUPTED: one was cut off and never finished). */
    status: string;
    runs: number;
    /** The scan stopped at its time budget and a scheduled run goes on (or is going on) from there. */
    unfinished: boolean;
    findings: TReconcileFinding[];
  } | null;
};

const SEVERITY = ["SUCCEEDED", "PARTIAL", "INTERRUPTED", "FAILED"];
const worse = (a: string, b: string) => (SEVERITY.indexOf(b) > SEVERITY.indexOf(a) ? b : a);
const findingsOf = (json: unknown) => (Array.isArray(json) ? (json as TReconcileFinding[]) : []);

/**
 * A run still RUNNING after this long was cut off (a crash, a restart, a host timeout): nothing will finish
 * it, so it is shown as interrupted, not as running forever. Scheduled runs keep their tick's time budget.
 */
export const STALE_RECONCILE_MS = 15 * 60_000;

/**
 * Groups recent ReconcileRun rows (any order) into one entry per integration. A scheduled run that started
 * right after a finished run with `resumeAfterArn` set is that run's continuation (runDueReconciles starts
 * them that way); their findings are merged into one report. The report is the newest pass with a finished
 * run, "so far" (`unfinished`) while its scan goes on, so a continuation at work does not hide it. Pure.
 */
export function buildReconcileReports(rows: readonly TReconcileRunRow[], now = new Date()): TIntegrationReconcile[] {
  const byIntegration = new Map<string, TReconcileRunRow[]>();
  for (const r of rows) byIntegration.set(r.integrationId, [...(byIntegration.get(r.integrationId) ?? []), r]);
  const out: TIntegrationReconcile[] = [];
  for (const runs of byIntegration.values()) {
    const asc = [...runs]
      .sort((a, b) => a.startedAt.getTime() - b.startedAt.getTime())
      .map((r) => (r.status === "RUNNING" && now.getTime() - r.startedAt.getTime() > STALE_RECONCILE_MS ? { ...r, status: "INTERRUPTED", resumeAfterArn: null } : r));
    const newest = asc.at(-1)!;
    const running = newest.status === "RUNNING" ? { startedAt: newest.startedAt.toISOString(), trigger: newest.trigger } : null;
    // Passes: each fresh run opens one; continuations join the pass before them.
    const passes: TReconcileRunRow[][] = [];
    for (const [i, r] of asc.entries()) {
      const previous = asc[i - 1];
      const continues = r.trigger === "SCHEDULE" && previous !== undefined && previous.status !== "RUNNING" && previous.resumeAfterArn !== null;
      if (continues && passes.length > 0) passes.at(-1)!.push(r);
      else passes.push([r]);
    }
    const pass = passes.filter((p) => p.some((r) => r.status !== "RUNNING")).at(-1);
    const finished = pass?.filter((r) => r.status !== "RUNNING") ?? [];
    const last = pass?.at(-1);
    out.push({
      integrationId: newest.integrationId,
      integrationName: newest.integrationName,
      running,
      report:
        pass && last
          ? {
              startedAt: pass[0]!.startedAt.toISOString(),
              finishedAt: finished.at(-1)!.finishedAt?.toISOString() ?? null,
              trigger: pass[0]!.trigger,
              status: finished.map((r) => r.status).reduce(worse),
              runs: pass.length,
              unfinished: last.status === "RUNNING" || last.resumeAfterArn !== null,
              findings: finished.flatMap((r) => findingsOf(r.findings)),
            }
          : null,
    });
  }
  return out.sort((a, b) => a.integrationName.localeCompare(b.integrationName));
}
