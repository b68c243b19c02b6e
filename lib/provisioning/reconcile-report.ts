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
    /** The worst status of its runs. */
    status: string;
    runs: number;
    /** The scan stopped at its time budget and the next scheduled run goes on from there. */
    unfinished: boolean;
    findings: TReconcileFinding[];
  } | null;
};

const SEVERITY = ["SUCCEEDED", "PARTIAL", "FAILED"];
const worse = (a: string, b: string) => (SEVERITY.indexOf(b) > SEVERITY.indexOf(a) ? b : a);
const findingsOf = (json: unknown) => (Array.isArray(json) ? (json as TReconcileFinding[]) : []);

/**
 * Groups recent ReconcileRun rows (any order) into one entry per integration. A scheduled run that started
 * right after a finished run with `resumeAfterArn` set is that run's continuation (reconcileDueIntegrations
 * starts them that way); their findings are merged into one report. Pure.
 */
export function buildReconcileReports(rows: readonly TReconcileRunRow[]): TIntegrationReconcile[] {
  const byIntegration = new Map<string, TReconcileRunRow[]>();
  for (const r of rows) byIntegration.set(r.integrationId, [...(byIntegration.get(r.integrationId) ?? []), r]);
  const out: TIntegrationReconcile[] = [];
  for (const runs of byIntegration.values()) {
    const asc = [...runs].sort((a, b) => a.startedAt.getTime() - b.startedAt.getTime());
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
    const complete = passes.filter((p) => p.every((r) => r.status !== "RUNNING"));
    const pass = complete.at(-1);
    out.push({
      integrationId: newest.integrationId,
      integrationName: newest.integrationName,
      running,
      report: pass
        ? {
            startedAt: pass[0]!.startedAt.toISOString(),
            finishedAt: pass.at(-1)!.finishedAt?.toISOString() ?? null,
            trigger: pass[0]!.trigger,
            status: pass.map((r) => r.status).reduce(worse),
            runs: pass.length,
            unfinished: pass.at(-1)!.resumeAfterArn !== null,
            findings: pass.flatMap((r) => findingsOf(r.findings)),
          }
        : null,
    });
  }
  return out.sort((a, b) => a.integrationName.localeCompare(b.integrationName));
}
