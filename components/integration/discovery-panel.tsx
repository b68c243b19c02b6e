"use client";

import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { usePortalAction } from "@/components/ui/use-portal-action";
import { useEffect, useRef } from "react";
import { startDiscoveryAction } from "@/app/(admin)/admin/integration/actions";
import { Badge, type TBadgeTone } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import type { TSyncRunView } from "@/lib/discovery/list-sync-runs";
import { integrationQueryKeys } from "./query-keys";
import { TARGET_TYPE_PLURAL_LABELS, isTargetType } from "@/lib/access/target-types";
import { LocalTime } from "@/components/ui/local-time";

const TONE: Record<TSyncRunView["status"], TBadgeTone> = { RUNNING: "blue", SUCCEEDED: "green", PARTIAL: "amber", FAILED: "red" };
const STATUS: Record<TSyncRunView["status"], string> = { RUNNING: "Running", SUCCEEDED: "Succeeded", PARTIAL: "Partial", FAILED: "Failed" };
const COUNT_LABELS: [string, string][] = [
  ["accounts", "accounts"],
  ["orgUnits", "OUs"],
  ["users", "users"],
  ["groups", "groups"],
  ["permissionSets", "permission sets"],
  ["IAM_ROLE", "roles"],
  ["IAM_POLICY", "policies"],
  ["S3_BUCKET", "buckets"],
  ["EC2_INSTANCE", "instances"],
  ["SECRET", "secrets"],
];

async function fetchRuns(integrationId: string): Promise<TSyncRunView[]> {
  const res = await fetch(`/api/admin/integration/${integrationId}/sync-runs`, { cache: "no-store" });
  const body = (await res.json()) as { runs?: TSyncRunView[]; error?: string };
  if (!res.ok || !body.runs) throw new Error(body.error ?? `HTTP ${res.status}`);
  return body.runs;
}

function duration(run: TSyncRunView) {
  // A live run's last heartbeat stands for "now": it keeps rendering pure and shows a stall.
  const end = Date.parse(run.finishedAt ?? run.heartbeatAt);
  const s = Math.max(0, Math.round((end - Date.parse(run.startedAt)) / 1000));
  return s < 60 ? `${s} s` : `${Math.floor(s / 60)} min ${s % 60} s`;
}

/** Start a discovery run and watch it: accounts done / total, resources found, errors; then the run history. */
export function DiscoveryPanel({ integrationId }: { integrationId: string }) {
  const queryClient = useQueryClient();
  const router = useRouter();
  const key = integrationQueryKeys.syncRuns(integrationId);
  const runs = useQuery({
    queryKey: key,
    queryFn: () => fetchRuns(integrationId),
    // Poll fast while a run is live, slowly otherwise (a scheduled run may start any time).
    refetchInterval: (q) => (q.state.data?.some((r) => r.status === "RUNNING" && !r.stale) ? 1000 : 15_000),
  });
  const { executeAsync, isPending, result } = usePortalAction(startDiscoveryAction);
  const current = runs.data?.[0];
  const live = current?.status === "RUNNING" && !current.stale;
  const wasLive = useRef(false);
  useEffect(() => {
    // When a run ends, the server-rendered counts on the page are out of date.
    if (wasLive.current && !live) router.refresh();
    wasLive.current = live;
  }, [live, router]);

  const start = async () => {
    await executeAsync({ integrationId });
    await queryClient.invalidateQueries({ queryKey: key });
  };
  return (
    <section aria-labelledby="discovery" className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <div>
          <h2 id="discovery" className="font-semibold text-slate-900">
            Discovery
          </h2>
          <p className="text-sm text-slate-600">Reads accounts, OUs, users, groups, permission sets and resources. Runs on its schedule or now.</p>
        </div>
        <Button type="button" onClick={() => void start()} disabled={isPending || live}>
          {live ? "Discovery running…" : isPending ? "Starting…" : "Run discovery now"}
        </Button>
      </div>
      {result.serverError ? (
        <p role="alert" className="mt-3 rounded-md bg-rose-50 px-3 py-2 text-sm text-rose-800">
          {result.serverError}
        </p>
      ) : null}
      {runs.isError ? (
        <p role="alert" className="mt-3 text-sm text-rose-700">
          Could not load the runs: {runs.error.message}
        </p>
      ) : null}

      {current ? (
        <div className="mt-4 rounded-md border border-slate-200 p-3" data-testid="current-run">
          <div className="flex flex-wrap items-center gap-2 text-sm">
            <Badge tone={current.stale ? "red" : TONE[current.status]}>{current.stale ? "Stalled" : STATUS[current.status]}</Badge>
            <span className="text-slate-600">
              {current.trigger.toLowerCase()} run · started <LocalTime iso={current.startedAt} /> · {duration(current)}
            </span>
          </div>
          <dl className="mt-3 grid grid-cols-3 gap-2 text-center">
            <div className="rounded bg-slate-50 p-2">
              <dt className="text-xs text-slate-500">Accounts scanned</dt>
              <dd className="text-lg font-semibold text-slate-900" data-testid="run-accounts">
                {current.accountsDone} / {current.accountsTotal}
              </dd>
            </div>
            <div className="rounded bg-slate-50 p-2">
              <dt className="text-xs text-slate-500">Resources found</dt>
              <dd className="text-lg font-semibold text-slate-900" data-testid="run-resources">
                {current.resourcesFound}
              </dd>
            </div>
            <div className="rounded bg-slate-50 p-2">
              <dt className="text-xs text-slate-500">Errors</dt>
              <dd className={`text-lg font-semibold ${current.errors.length > 0 ? "text-rose-700" : "text-slate-900"}`}>{live ? "…" : current.errors.length}</dd>
            </div>
          </dl>
          {live && current.accountsTotal > 0 ? (
            <div className="mt-2 h-1.5 overflow-hidden rounded bg-slate-100" role="progressbar" aria-label="Accounts scanned" aria-valuemin={0} aria-valuemax={current.accountsTotal} aria-valuenow={current.accountsDone}>
              <div className="h-full bg-sky-600 transition-all" style={{ width: `${(100 * current.accountsDone) / current.accountsTotal}%` }} />
            </div>
          ) : null}
          {!live && Object.keys(current.counts).length > 0 ? (
            <p className="mt-3 text-xs text-slate-600">
              Found {COUNT_LABELS.filter(([k]) => current.counts[k] !== undefined).map(([k, l]) => `${current.counts[k]} ${l}`).join(" · ")}
              {current.counts.resourcesCreated !== undefined ? ` — ${current.counts.resourcesCreated} new, ${current.counts.resourcesUpdated ?? 0} changed, ${current.counts.resourcesRemoved ?? 0} gone` : ""}
            </p>
          ) : null}
          {current.errors.length > 0 ? <RunErrors run={current} /> : null}
        </div>
      ) : runs.isPending ? (
        <p className="mt-4 text-sm text-slate-500">Loading runs…</p>
      ) : runs.isError ? null : (
        <p className="mt-4 rounded-md border border-dashed border-slate-300 p-4 text-center text-sm text-slate-600">No discovery run yet. Test the connection, then run discovery to fill the catalog.</p>
      )}

      {runs.data && runs.data.length > 1 ? (
        <div className="mt-4">
          <h3 className="text-sm font-semibold text-slate-900">History</h3>
          <ul className="mt-2 divide-y divide-slate-100 text-sm">
            {runs.data.slice(1).map((r) => (
              <li key={r.id} className="py-2">
                <div className="flex flex-wrap items-center gap-2">
                  <Badge tone={r.stale ? "red" : TONE[r.status]}>{r.stale ? "Stalled" : STATUS[r.status]}</Badge>
                  <LocalTime iso={r.startedAt} className="text-slate-700" />
                  <span className="text-slate-500">
                    {r.trigger.toLowerCase()} · {duration(r)} · {r.accountsDone}/{r.accountsTotal} accounts · {r.resourcesFound} resources · {r.errors.length} errors
                  </span>
                </div>
                {r.errors.length > 0 ? <RunErrors run={r} /> : null}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
    </section>
  );
}

function RunErrors({ run }: { run: TSyncRunView }) {
  return (
    <details className="mt-2" open={run.status !== "SUCCEEDED" && run.errors.length <= 5}>
      <summary className="cursor-pointer text-sm font-medium text-rose-800">
        {run.errors.length} problem{run.errors.length === 1 ? "" : "s"}
      </summary>
      <ul className="mt-1 space-y-2">
        {run.errors.slice(0, 50).map((e, i) => (
          <li key={i} className="rounded bg-rose-50 p-2 text-sm" data-testid="run-error">
            <p className="font-medium text-rose-900 break-words">{e.accountId ? `Account ${e.accountId} · ${scopeLabel(e.scope)}` : scopeLabel(e.scope)}</p>
            <p className="text-rose-800 break-words">{e.fix}</p>
            <p className="mt-1 font-mono text-xs break-words text-slate-600">{e.message}</p>
          </li>
        ))}
      </ul>
    </details>
  );
}

/** "EC2_INSTANCE eu-west-3, ap-south-1 and 11 more" → "EC2 instances in eu-west-3, ap-south-1 and 11 more"; other scopes as they are. */
function scopeLabel(scope: string): string {
  const [type, ...rest] = scope.split(" ");
  if (!type || !isTargetType(type)) return scope;
  const label = TARGET_TYPE_PLURAL_LABELS[type];
  const plural = label.charAt(0).toUpperCase() + label.slice(1);
  return rest.length > 0 ? `${plural} in ${rest.join(" ")}` : plural;
}
