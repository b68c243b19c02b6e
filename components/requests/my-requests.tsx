"use client";

import { useInfiniteQuery, useQuery, useQueryClient } from "@tanstack/react-query";
import { usePortalAction } from "@/components/ui/use-portal-action";
import { useEffect, useRef, useState } from "react";
import Link from "next/link";
import { Button, buttonClasses } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";
import { TARGET_TYPE_LABELS, formatDuration } from "@/components/catalog/target-labels";
import type { TMyRequestsPage } from "@/lib/access/list-my-requests";
import type { TRequestView, TTimelineEntry } from "@/lib/access/get-request-timeline";
import { queryKeys } from "@/lib/query-keys";
import { cancelAccessRequestAction, requestExtensionAction, revokeGrantEarlyAction } from "@/app/(portal)/requests/actions";
import { GrantStateBadge, RequestStatusBadge } from "./request-status-badge";
import { LocalTime } from "@/components/ui/local-time";
import { fieldClasses as input } from "@/components/ui/field";
import { IDLE_POLL_MS, pollInterval } from "./poll-interval";

async function fetchMyRequests(search: string): Promise<TMyRequestsPage> {
  const res = await fetch(`/api/requests${search}`, { cache: "no-store" });
  if (!res.ok) throw new Error(((await res.json().catch(() => null)) as { error?: string } | null)?.error ?? `HTTP ${res.status}`);
  return (await res.json()) as TMyRequestsPage;
}



const DOT: Record<TTimelineEntry["tone"], string> = {
  neutral: "bg-slate-400",
  green: "bg-emerald-500",
  amber: "bg-amber-500",
  red: "bg-rose-500",
  blue: "bg-sky-500",
};

function Timeline({ entries }: { entries: TTimelineEntry[] }) {
  return (
    <ol className="relative space-y-3 border-l border-slate-200 pl-4" data-testid="request-timeline">
      {entries.map((entry, i) => (
        <li key={i} className="relative">
          <span className={`absolute -left-[21px] top-1.5 h-2.5 w-2.5 rounded-full ring-2 ring-white ${DOT[entry.tone]}`} aria-hidden />
          <div className="text-sm text-slate-900">{entry.label}</div>
          {entry.due ? (
            <div className="text-xs text-slate-600">
              {entry.due.label} <LocalTime iso={entry.due.at} />
            </div>
          ) : null}
          {entry.detail ? <div className="break-words text-xs text-slate-600">{entry.detail}</div> : null}
          {entry.at ? (
            <div className="text-xs text-slate-400">
              <LocalTime iso={entry.at} />
            </div>
          ) : null}
        </li>
      ))}
    </ol>
  );
}

function ActionError({ message }: { message: string | null }) {
  return message ? (
    <p role="alert" className="mt-2 rounded-md border border-rose-200 bg-rose-50 px-3 py-2 text-sm text-rose-800">
      {message}
    </p>
  ) : null;
}

function RequestCard({ request, highlight }: { request: TRequestView; highlight: boolean }) {
  const queryClient = useQueryClient();
  const refresh = () => queryClient.invalidateQueries({ queryKey: queryKeys.myRequests.all });
  const [panel, setPanel] = useState<"none" | "extend" | "revoke" | "cancel">("none");
  const [error, setError] = useState<string | null>(null);
  const [extendMinutes, setExtendMinutes] = useState(60);
  const [extendWhy, setExtendWhy] = useState("");
  const [extendTicket, setExtendTicket] = useState("");
  const [revokeReason, setRevokeReason] = useState("");
  const cancel = usePortalAction(cancelAccessRequestAction);
  const extend = usePortalAction(requestExtensionAction);
  const revoke = usePortalAction(revokeGrantEarlyAction);
  const cardRef = useRef<HTMLElement>(null);
  useEffect(() => {
    if (highlight) cardRef.current?.scrollIntoView({ block: "center" });
  }, [highlight]);

  async function run(call: () => Promise<{ data?: unknown; serverError?: string; validationErrors?: unknown } | undefined>) {
    setError(null);
    const result = await call();
    if (result?.data) {
      setPanel("none");
      await refresh();
    } else setError(result?.serverError ?? (result?.validationErrors ? "Some of the input is not valid." : "That did not work. Try again."));
  }

  const grant = request.grant;
  const t = request.target;
  return (
    <article
      ref={cardRef}
      className={`rounded-lg border bg-white p-4 shadow-sm ${highlight ? "border-sky-400 ring-2 ring-sky-100" : "border-slate-200"}`}
      data-testid="request-card"
      data-request-id={request.id}
      data-status={request.status}
    >
      <div className="flex flex-col gap-2 sm:flex-row sm:items-start sm:justify-between">
        <div className="min-w-0">
          <div className="text-xs font-medium uppercase tracking-wide text-slate-500">
            {TARGET_TYPE_LABELS[t.type] ?? t.type}
            {request.extendsGrantId ? " · extension" : ""}
          </div>
          <h2 className="break-all font-semibold text-slate-900">{t.name}</h2>
          <div className="text-sm text-slate-600">
            {request.accessLevelLabel} · {formatDuration(request.durationMinutes)}
            {t.accountId ? (
              <>
                {" "}· {t.accountName} <span className="font-mono">{t.accountId}</span>
              </>
            ) : null}
          </div>
          {request.justification ? <p className="mt-1 text-sm text-slate-600">“{request.justification}”</p> : null}
        </div>
        <div className="flex shrink-0 flex-wrap gap-1.5">
          <RequestStatusBadge status={request.status} />
          {grant ? <GrantStateBadge state={grant.state} /> : null}
        </div>
      </div>

      {grant?.state === "ACTIVE" && !grant.revokeRequested ? (
        <div className="mt-3 rounded-md border border-emerald-200 bg-emerald-50 px-3 py-2 text-sm text-emerald-900" data-testid="how-to-use">
          <p className="font-medium">Your access is active until <LocalTime iso={grant.expiresAt} />.</p>
          <p className="mt-1">
            Sign in at the AWS access portal
            {request.accessPortalUrl ? (
              <>
                {" "}
                <a className="break-all font-mono underline" href={request.accessPortalUrl} target="_blank" rel="noreferrer">
                  {request.accessPortalUrl}
                </a>
              </>
            ) : " (ask an admin for its URL)"}
            , open account <span className="font-mono">{grant.awsAccountId ?? t.accountId ?? "—"}</span> and choose{" "}
            <span className="font-mono">{grant.permissionSetName ?? "the permission set the portal created"}</span>.
          </p>
          <p className="mt-1 text-xs text-emerald-800">The AWS access portal is your organization’s sign-in page for AWS: sign in there with your usual work account.</p>
        </div>
      ) : null}

      <div className="mt-4">
        <Timeline entries={request.timeline} />
      </div>

      {request.canCancel || request.canExtend || request.canRevoke ? (
        <div className="mt-4 flex flex-wrap gap-2 border-t border-slate-100 pt-3">
          {request.canCancel ? (
            <Button variant="secondary" onClick={() => setPanel(panel === "cancel" ? "none" : "cancel")}>
              Cancel request
            </Button>
          ) : null}
          {request.canExtend ? (
            <Button variant="secondary" onClick={() => setPanel(panel === "extend" ? "none" : "extend")}>
              Extend
            </Button>
          ) : null}
          {request.canRevoke ? (
            <Button variant="secondary" onClick={() => setPanel(panel === "revoke" ? "none" : "revoke")}>
              End access now
            </Button>
          ) : null}
        </div>
      ) : null}

      {panel === "cancel" ? (
        <div className="mt-3 rounded-md bg-slate-50 p-3 text-sm">
          <p>Cancel this request? Approvers will no longer see it.</p>
          <div className="mt-2 flex gap-2">
            <Button variant="danger" disabled={cancel.isPending} onClick={() => run(() => cancel.executeAsync({ requestId: request.id }))}>
              {cancel.isPending ? "Cancelling…" : "Yes, cancel it"}
            </Button>
            <Button variant="ghost" onClick={() => setPanel("none")}>
              Keep it
            </Button>
          </div>
        </div>
      ) : null}
      {panel === "extend" && grant ? (
        <form
          className="mt-3 space-y-2 rounded-md bg-slate-50 p-3 text-sm"
          onSubmit={(e) => {
            e.preventDefault();
            if (!Number.isInteger(extendMinutes) || extendMinutes < 15) return setError("Extend by at least 15 whole minutes.");
            void run(() => extend.executeAsync({ grantId: grant.id, durationMinutes: extendMinutes, justification: extendWhy, ticket: extendTicket || null }));
          }}
        >
          <p>Ask for more time. The request is checked against today’s policies and may need approval again.</p>
          <label className="block">
            <span className="block text-slate-600">Extra minutes</span>
            <input type="number" min={15} step={15} value={Number.isNaN(extendMinutes) ? "" : extendMinutes} onChange={(e) => setExtendMinutes(e.target.valueAsNumber)} className={`${input} mt-1 block sm:w-40`} />
          </label>
          <label className="block">
            <span className="block text-slate-600">Justification</span>
            <textarea rows={2} maxLength={2000} value={extendWhy} onChange={(e) => setExtendWhy(e.target.value)} className={`${input} mt-1 block`} />
          </label>
          <label className="block">
            <span className="block text-slate-600">Ticket (required by some policies)</span>
            <input maxLength={200} value={extendTicket} onChange={(e) => setExtendTicket(e.target.value)} placeholder="e.g. OPS-123" className={`${input} mt-1 block sm:w-64`} />
          </label>
          <Button type="submit" disabled={extend.isPending}>
            {extend.isPending ? "Sending…" : "Request extension"}
          </Button>
        </form>
      ) : null}
      {panel === "revoke" && grant ? (
        <form
          className="mt-3 space-y-2 rounded-md bg-slate-50 p-3 text-sm"
          onSubmit={(e) => {
            e.preventDefault();
            void run(() => revoke.executeAsync({ grantId: grant.id, reason: revokeReason }));
          }}
        >
          <p>End this access now? The portal removes it from AWS within seconds.</p>
          <label className="block">
            <span className="text-slate-600">Reason (optional)</span>
            <input maxLength={500} value={revokeReason} onChange={(e) => setRevokeReason(e.target.value)} className={`${input} mt-1`} />
          </label>
          <Button type="submit" variant="danger" disabled={revoke.isPending}>
            {revoke.isPending ? "Ending…" : "End access now"}
          </Button>
        </form>
      ) : null}
      <ActionError message={error} />
    </article>
  );
}

/** Newest first, as the API orders them: (createdAt, id) descending. */
const newerFirst = (a: TRequestView, b: TRequestView) => (a.createdAt === b.createdAt ? (a.id < b.id ? 1 : -1) : a.createdAt < b.createdAt ? 1 : -1);

function mergeRequests(pages: TMyRequestsPage[] | undefined, open: TRequestView[] | undefined) {
  // The open list is polled fast and is the fresher copy of every live request.
  const fresh = new Map((open ?? []).map((item) => [item.id, item]));
  const seen = new Set<string>();
  const loaded: TRequestView[] = [];
  for (const item of (pages ?? []).flatMap((p) => p.items)) {
    if (seen.has(item.id)) continue;
    seen.add(item.id);
    loaded.push(fresh.get(item.id) ?? item);
  }
  const last = loaded.at(-1);
  const unseen = (open ?? []).filter((item) => !seen.has(item.id));
  // Open requests older than the loaded pages: still shown, so nothing live is out of reach. Newer ones
  // (filed since the pages were read) go on top where they belong.
  const olderOpen = last ? unseen.filter((item) => newerFirst(last, item) < 0) : [];
  const newer = unseen.filter((item) => !olderOpen.includes(item));
  return { loaded: newer.length > 0 ? [...newer, ...loaded].sort(newerFirst) : loaded, olderOpen };
}

/**
 * The user's requests, newest first a page at a time, plus every open request whatever page is loaded;
 * kept live by polling the route handler (no reload needed).
 */
export function MyRequests({
  initial,
  initialOpen,
  highlightId,
}: {
  initial: TMyRequestsPage;
  initialOpen: TMyRequestsPage;
  highlightId: string | null;
}) {
  const pages = useInfiniteQuery({
    queryKey: queryKeys.myRequests.pages,
    queryFn: ({ pageParam }) => fetchMyRequests(pageParam ? `?cursor=${encodeURIComponent(pageParam)}` : ""),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
    initialData: { pages: [initial], pageParams: [null] },
    // Live requests are refreshed by the open query below; with several pages loaded a fast poll would
    // re-read every page each time, so only a single page polls fast.
    refetchInterval: (q) => ((q.state.data?.pages.length ?? 0) <= 1 ? pollInterval(q.state.data?.pages.flatMap((p) => p.items)) : IDLE_POLL_MS),
  });
  const open = useQuery({
    queryKey: queryKeys.myRequests.open,
    queryFn: () => fetchMyRequests("?status=open"),
    initialData: initialOpen,
    refetchInterval: (q) => pollInterval(q.state.data?.items),
  });
  // A request that stops being open (denied, expired, revoked) leaves the fast-polled list: re-read the
  // pages at once so its card shows the outcome instead of its last open state for up to IDLE_POLL_MS.
  const openIds = useRef<Set<string> | null>(null);
  const queryClient = useQueryClient();
  useEffect(() => {
    const ids = new Set((open.data?.items ?? []).map((item) => item.id));
    const before = openIds.current;
    openIds.current = ids;
    if (before && [...before].some((id) => !ids.has(id))) void queryClient.invalidateQueries({ queryKey: queryKeys.myRequests.pages });
  }, [open.data, queryClient]);
  const { loaded, olderOpen } = mergeRequests(pages.data?.pages, open.data?.items);
  if (loaded.length === 0 && olderOpen.length === 0) {
    return (
      <EmptyState title="You have not requested anything yet" action={<Link className={buttonClasses()} href="/catalog">Browse the catalog</Link>}>
        Find what you need in the catalog, pick an access level and a duration, and say why. You will see each decision here as it happens.
      </EmptyState>
    );
  }
  const refreshError = pages.isRefetchError ? pages.error : open.isError ? open.error : null;
  return (
    <div className="space-y-4">
      {refreshError ? (
        <p role="status" className="rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-900">
          Could not refresh just now ({refreshError.message}); showing what was last loaded.
        </p>
      ) : null}
      {loaded.map((request) => (
        <RequestCard key={request.id} request={request} highlight={request.id === highlightId} />
      ))}
      {olderOpen.length > 0 ? (
        <section aria-labelledby="older-open-heading" className="space-y-4 pt-2" data-testid="older-open-requests">
          <h2 id="older-open-heading" className="text-sm font-semibold text-slate-700">
            Older requests still open
          </h2>
          {olderOpen.map((request) => (
            <RequestCard key={request.id} request={request} highlight={request.id === highlightId} />
          ))}
        </section>
      ) : null}
      {pages.hasNextPage ? (
        <div className="flex flex-col items-center gap-2 pt-2">
          <p className="text-center text-xs text-slate-500">
            Showing your {loaded.length} most recent requests{olderOpen.length > 0 ? ` and ${olderOpen.length} older ones still open` : ""}.
          </p>
          <Button
            variant="secondary"
            onClick={() => void pages.fetchNextPage()}
            disabled={pages.isFetchingNextPage}
            data-testid="show-older-requests"
          >
            {pages.isFetchingNextPage ? "Loading…" : "Show older requests"}
          </Button>
          {pages.isFetchNextPageError ? (
            <p role="alert" className="text-sm text-rose-700">
              Could not load older requests ({pages.error.message}). Try again.
            </p>
          ) : null}
        </div>
      ) : null}
    </div>
  );
}
