/** What a route group's loading.tsx shows inside the app shell while the page is rendered on the server. */
export function RouteLoading() {
  return (
    <div role="status" aria-live="polite" className="space-y-4" data-testid="route-loading">
      <div className="h-1 overflow-hidden rounded bg-slate-100">
        <div className="h-full w-1/3 animate-pulse rounded bg-sky-500" />
      </div>
      <span className="sr-only">Loading…</span>
      <div aria-hidden className="animate-pulse space-y-3">
        <div className="h-7 w-48 rounded bg-slate-200" />
        <div className="h-4 w-80 max-w-full rounded bg-slate-100" />
        <div className="h-24 rounded-lg border border-slate-200 bg-white" />
        <div className="h-24 rounded-lg border border-slate-200 bg-white" />
      </div>
    </div>
  );
}
