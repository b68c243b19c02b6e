"use client";

import { WideTable } from "@/components/ui/wide-table";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect } from "react";
import { usePortalAction } from "@/components/ui/use-portal-action";
import { Badge, type TBadgeTone } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";
import { runReconcileNowAction } from "@/app/(admin)/admin/grants/actions";
import type { TAdminGrantRow, TAdminGrants } from "@/lib/provisioning/list-admin-grants";
import { queryKeys } from "@/lib/query-keys";
import { GrantRowActions } from "./grant-row-actions";
import { LocalTime } from "@/components/ui/local-time";
import { formatRelative } from "@/lib/format/time";

const TONES: Record<string, TBadgeTone> = { APPROVED: "blue", PROVISIONING: "blue", ACTIVE: "green", REVOKING: "amber", EXPIRED: "neutral", REVOKED: "neutral", FAILED: "red" };
const KIND_LABELS: Record<string, string> = {
  TEMP_PERMISSION_SET: "Temporary permission set",
  PERMISSION_SET_ASSIGNMENT: "Permission set",
  GROUP_MEMBERSHIP: "Group membership",
  IAM_USER_POLICY: "IAM user policy",
  IAM_GROUP_MEMBERSHIP: "IAM group",
};
const ACTION_TONES: Record<string, TBadgeTone> = { REMOVED: "amber", REPROVISIONED: "blue", REPORTED: "violet", FAILED: "red" };

async function fetchGrants(): Promise<TAdminGrants> {
  const res = await fetch("/api/admin/grants", { cache: "no-store" });
  if (!res.ok) throw new Error(((await res.json().catch(() => null)) as { error?: string } | null)?.error ?? `HTTP ${res.status}`);
  return (await res.json()) as TAdminGrants;
}

function StateCell({ g }: { g: TAdminGrantRow }) {
  const busy = ["APPROVED", "PROVISIONING", "REVOKING"].includes(g.state) || (g.state === "FAILED" && g.step);
  return (
    <div className="flex flex-col gap-1">
      <span className="flex items-center gap-1.5" data-testid={`grant-state-${g.id}`} data-state={g.state}>
        <Badge tone={TONES[g.state] ?? "neutral"}>{g.state.toLowerCase()}</Badge>
        {busy ? <span className="h-2 w-2 animate-pulse rounded-full bg-sky-500" aria-label="in progress" /> : null}
      </span>
      {g.step ? <span className="font-mono text-[11px] text-slate-500">{g.state === "FAILED" ? `cleaning up: ${g.step}` : g.step}</span> : null}
      {g.revokeRequested && g.state !== "REVOKED" ? <span className="text-[11px] text-amber-700">revoke requested</span> : null}
    </div>
  );
}

function Notes({ g }: { g: TAdminGrantRow }) {
  return (
    <div className="space-y-1 text-xs">
      {g.lastError ? (
        <p className="break-words text-rose-700" title={g.lastError}>
          <span className="font-semibold">Last error{g.attempts ? ` (attempt ${g.attempts})` : ""}:</span> {g.lastError.length > 240 ? `${g.lastError.slice(0, 240)}…` : g.lastError}
        </p>
      ) : null}
      {g.statusMessage && g.statusMessage !== g.lastError ? <p className="break-words text-slate-600">{g.statusMessage}</p> : null}
      {g.preExisting ? <p className="text-slate-500">Held before the grant: the portal will not remove it.</p> : null}
      {g.revokeReason ? <p className="text-slate-500">Revoke reason: {g.revokeReason}</p> : null}
    </div>
  );
}

function GrantTable({ grants, now, actions }: { grants: TAdminGrantRow[]; now: number; actions: boolean }) {
  return (
    <>
      {/* Cards on small screens */}
      <ul className="space-y-3 md:hidden">
        {grants.map((g) => (
          <li
            key={g.id}
            className="rounded-lg border border-slate-200 bg-white p-3 shadow-sm data-[linked=true]:ring-2 data-[linked=true]:ring-amber-400"
            data-grant-anchor={g.id}
            data-testid={`grant-card-${g.id}`}
          >
            <div className="flex items-start justify-between gap-2">
              <div className="min-w-0">
                <p className="truncate font-medium text-slate-900">{g.user.name ?? g.user.email}</p>
                <p className="truncate text-xs text-slate-500">{g.user.email}</p>
              </div>
              <StateCell g={g} />
            </div>
            <p className="mt-2 text-sm text-slate-800">
              {g.accessLevel} · {g.target}
            </p>
            <p className="text-xs text-slate-500">
              {KIND_LABELS[g.kind] ?? g.kind}
              {g.permissionSetName ? <span className="break-all"> · {g.permissionSetName}</span> : null} · account <span className="font-mono">{g.awsAccountId ?? "—"}</span>
            </p>
            <p className="mt-1 text-xs text-slate-600">
              {g.activatedAt ? "Since" : "Starts"} <LocalTime iso={g.activatedAt ?? g.startsAt} /> · {g.endedAt ? "ended" : "until"}{" "}
              <LocalTime iso={g.endedAt ?? g.expiresAt} />
              {g.endedAt ? null : ` (${formatRelative(g.expiresAt, now)})`}
            </p>
            <div className="mt-2">
              <Notes g={g} />
            </div>
            {actions ? (
              <div className="mt-3">
                <GrantRowActions grant={g} />
              </div>
            ) : null}
          </li>
        ))}
      </ul>
      {/* Table on wider screens */}
      <WideTable columns={[{ label: "Who" }, { label: "What" }, { label: "Where" }, { label: "When" }, { label: "State" }, { label: "Notes" }, actions ? { label: "Actions", align: "right" } : null]}>
        {grants.map((g) => (
          // The anchor admin alerts link to (/admin/grants#grant-<id>).
          <tr key={g.id} id={`grant-${g.id}`} className="align-top target:bg-amber-50" data-testid={`grant-row-${g.id}`}>
            <td className="px-3 py-2">
              <div className="font-medium text-slate-900">{g.user.name ?? g.user.email}</div>
              <div className="text-xs text-slate-500">{g.user.email}</div>
            </td>
            <td className="px-3 py-2">
              <div className="text-slate-900">
                {g.accessLevel} · {g.target}
              </div>
              <div className="text-xs text-slate-500">{KIND_LABELS[g.kind] ?? g.kind}</div>
            </td>
            <td className="px-3 py-2">
              <div className="font-mono text-xs">{g.awsAccountId ?? "—"}</div>
              {g.accountName ? <div className="text-xs text-slate-500">{g.accountName}</div> : null}
              {g.permissionSetName ? <div className="break-all font-mono text-[11px] text-slate-500">{g.permissionSetName}</div> : null}
              {g.groupName ? <div className="text-xs text-slate-500">group {g.groupName}</div> : null}
            </td>
            <td className="whitespace-nowrap px-3 py-2 text-xs text-slate-700">
              <div>
                {g.activatedAt ? "since" : "starts"} <LocalTime iso={g.activatedAt ?? g.startsAt} />
              </div>
              <div>
                {g.endedAt ? "ended" : "until"} <LocalTime iso={g.endedAt ?? g.expiresAt} />
              </div>
              {!g.endedAt ? <div className="text-slate-500">{formatRelative(g.expiresAt, now)}</div> : null}
              {g.sessionsMayRemainUntil ? (
                <div className="text-amber-700">
                  sessions may remain until <LocalTime iso={g.sessionsMayRemainUntil} />
                </div>
              ) : null}
            </td>
            <td className="px-3 py-2">
              <StateCell g={g} />
            </td>
            <td className="max-w-xs px-3 py-2">
              <Notes g={g} />
            </td>
            {actions ? (
              <td className="px-3 py-2 text-right">
                <GrantRowActions grant={g} />
              </td>
            ) : null}
          </tr>
        ))}
      </WideTable>
    </>
  );
}

const STATUS_TONES: Record<string, TBadgeTone> = { SUCCEEDED: "green", PARTIAL: "amber", INTERRUPTED: "amber", FAILED: "red" };

/** One integration's reconcile: a run in progress, and the findings of the last complete pass. */
function IntegrationReconcile({ entry, showName }: { entry: TAdminGrants["reconcile"][number]; showName: boolean }) {
  const { report, running } = entry;
  return (
    <div className="mt-3 text-sm" data-testid="last-reconcile" data-integration={entry.integrationName}>
      {showName ? <h3 className="font-medium text-slate-800">{entry.integrationName}</h3> : null}
      {running ? (
        <p className="flex items-center gap-2 text-slate-700" role="status">
          <span className="inline-block h-3 w-3 animate-spin rounded-full border-2 border-slate-300 border-t-slate-700" aria-hidden="true" />
          Running since <LocalTime iso={running.startedAt} /> ({running.trigger.toLowerCase()}); its findings appear when it ends.
        </p>
      ) : null}
      {report ? (
        <>
          <p className="text-slate-700">
            Last {report.runs > 1 ? `pass (${report.runs} runs)` : "run"} <LocalTime iso={report.startedAt} /> ({report.trigger.toLowerCase()}
            {showName ? "" : `, ${entry.integrationName}`}): <Badge tone={STATUS_TONES[report.status] ?? "neutral"}>{report.status.toLowerCase()}</Badge>{" "}
            {report.status === "INTERRUPTED" && report.findings.length === 0
              ? "it was cut off before it finished (a restart or a timeout); run it again."
              : report.findings.length === 0
                ? report.unfinished
                ? "no findings so far; the next scheduled run checks the remaining permission sets."
                : "no findings — AWS matches the grants."
              : `${report.findings.length} finding${report.findings.length === 1 ? "" : "s"}${report.unfinished ? " so far (the next scheduled run checks the remaining permission sets)" : ""}:`}
          </p>
          {report.findings.length > 0 ? (
            <ul className="mt-2 space-y-1.5">
              {report.findings.slice(0, 20).map((f, i) => (
                <li key={i} className="flex flex-col gap-1 rounded-md bg-slate-50 px-2 py-1.5 text-xs sm:flex-row sm:items-start sm:gap-2">
                  <Badge tone={ACTION_TONES[f.action] ?? "neutral"}>{f.action.toLowerCase()}</Badge>
                  <span className="break-words text-slate-700">
                    <span className="font-medium">{f.kind.replaceAll("_", " ").toLowerCase()}</span>
                    {f.awsAccountId ? <> · account <span className="font-mono">{f.awsAccountId}</span></> : null} — {f.detail}
                  </span>
                </li>
              ))}
              {report.findings.length > 20 ? <li className="text-xs text-slate-500">and {report.findings.length - 20} more.</li> : null}
            </ul>
          ) : null}
        </>
      ) : running ? null : (
        <p className="text-slate-500">No reconcile has finished yet.</p>
      )}
    </div>
  );
}

function ReconcilePanel({ data }: { data: TAdminGrants }) {
  const queryClient = useQueryClient();
  const run = usePortalAction(runReconcileNowAction, { onSuccess: () => void queryClient.invalidateQueries({ queryKey: queryKeys.adminGrants.all }) });
  return (
    <section className="rounded-lg border border-slate-200 bg-white p-4" aria-labelledby="reconcile-heading">
      <div className="flex flex-col gap-3 sm:flex-row sm:items-start sm:justify-between">
        <div>
          <h2 id="reconcile-heading" className="font-semibold text-slate-900">
            Reconcile
          </h2>
          <p className="mt-1 text-sm text-slate-600">
            Compares AWS with these grants: removes temporary permission sets no live grant needs, sets up again access that vanished, and reports leftovers without touching access the portal did not create.
          </p>
        </div>
        <Button variant="secondary" className="shrink-0 whitespace-nowrap" onClick={() => run.execute()} disabled={run.isPending} data-testid="reconcile-now">
          {run.isPending ? "Reconciling…" : "Run reconcile now"}
        </Button>
      </div>
      {run.result.serverError ? (
        <p role="alert" className="mt-2 text-sm text-rose-700">
          {run.result.serverError}
        </p>
      ) : null}
      {data.reconcile.length === 0 ? <p className="mt-3 text-sm text-slate-500">No reconcile has run yet.</p> : null}
      {data.reconcile.map((r) => (
        <IntegrationReconcile key={r.integrationId} entry={r} showName={data.reconcile.length > 1} />
      ))}
    </section>
  );
}

/**
 * An alert's link (/admin/grants#grant-<id>) on a narrow screen: the wide table's row holds the id, but the
 * card is what shows, so the card is scrolled to and marked instead.
 */
function useLinkedGrantCard() {
  useEffect(() => {
    const raw = /^#grant-(.+)$/.exec(window.location.hash)?.[1];
    let id: string;
    try {
      id = decodeURIComponent(raw ?? "");
    } catch {
      return; // a malformed link: nothing to mark
    }
    if (!id) return;
    const card = document.querySelector<HTMLElement>(`[data-grant-anchor="${CSS.escape(id)}"]`);
    if (!card || card.offsetParent === null) return;
    card.dataset.linked = "true";
    card.scrollIntoView({ block: "center" });
  }, []);
}

/** The admin's live view of grants: polls while anything is moving. */
export function GrantsBoard({ initial }: { initial: TAdminGrants }) {
  useLinkedGrantCard();
  const query = useQuery({
    queryKey: queryKeys.adminGrants.all,
    queryFn: fetchGrants,
    initialData: initial,
    refetchInterval: (q) =>
      (q.state.data?.live ?? []).some((g) => g.state !== "ACTIVE" && g.state !== "FAILED") || (q.state.data?.reconcile ?? []).some((r) => r.running) ? 2_000 : 10_000,
  });
  const data = query.data;
  const now = new Date(data.generatedAt).getTime();
  const shownFailed = data.live.filter((g) => g.state === "FAILED").length;
  return (
    <div className="space-y-6">
      {query.isError ? (
        <p role="alert" className="rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900">
          Could not refresh: {query.error.message}. Showing the last data.
        </p>
      ) : null}
      <section aria-labelledby="live-heading" className="space-y-3">
        <div className="flex flex-wrap items-center gap-2">
          <h2 id="live-heading" className="text-lg font-semibold text-slate-900">
            Live and failed
          </h2>
          <Badge tone="green">{data.totals.active} active</Badge>
          {data.totals.failed ? <Badge tone="red">{data.totals.failed} failed</Badge> : null}
          {query.isFetching ? <span className="text-xs text-slate-400">refreshing…</span> : null}
        </div>
        {data.truncated ? (
          <p
            className="rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-900"
            data-testid="grants-truncated"
          >
            Showing {shownFailed} of {data.totals.failed} failed and {data.live.length - shownFailed} of {data.totals.live} live grants: failed
            first, then live ones by state and expiry. The counts above are complete.
          </p>
        ) : null}
        {data.live.length === 0 ? (
          <EmptyState title="No live grants">Approved requests appear here within seconds, while the worker sets them up, and stay until they expire or are revoked.</EmptyState>
        ) : (
          <GrantTable grants={data.live} now={now} actions />
        )}
      </section>
      <ReconcilePanel data={data} />
      <section aria-labelledby="recent-heading" className="space-y-3">
        <h2 id="recent-heading" className="text-lg font-semibold text-slate-900">
          Ended in the last 7 days
        </h2>
        {data.recentTotal > data.recent.length ? (
          <p className="text-sm text-slate-600" data-testid="recent-truncated">
            The newest {data.recent.length} of {data.recentTotal}; the audit log has every one (filter by action grant.expired or grant.revoked).
          </p>
        ) : null}
        {data.recent.length === 0 ? <p className="text-sm text-slate-500">Nothing has ended recently.</p> : <GrantTable grants={data.recent} now={now} actions={false} />}
      </section>
    </div>
  );
}
