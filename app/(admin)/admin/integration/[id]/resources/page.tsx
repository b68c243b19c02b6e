import Link from "next/link";
import { z } from "zod";
import { Badge } from "@/components/ui/badge";
import { buttonClasses } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";
import { requireAdminPage } from "@/lib/auth/current-user";
import { getDb } from "@/lib/db/client";
import { listDiscoveredResources } from "@/lib/discovery/list-discovered-resources";
import { RESOURCE_TYPE_LABELS, RESOURCE_TYPES } from "@/lib/integrations/integration-config-schema";

export const metadata = { title: "Discovered resources" };

const ZFilter = z.object({ type: z.enum(RESOURCE_TYPES).optional().catch(undefined), q: z.string().trim().max(200).optional().catch(undefined) });
const SHORT: Record<(typeof RESOURCE_TYPES)[number], [one: string, many: string]> = {
  IAM_ROLE: ["role", "roles"],
  IAM_POLICY: ["policy", "policies"],
  S3_BUCKET: ["bucket", "buckets"],
  EC2_INSTANCE: ["instance", "instances"],
  SECRET: ["secret", "secrets"],
};

/** "1 role", "3 roles", "0 roles". */
function countOf(n: number, [one, many]: readonly [string, string]): string {
  return `${n} ${n === 1 ? one : many}`;
}

export default async function IntegrationResourcesPage({ params, searchParams }: { params: Promise<{ id: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  await requireAdminPage();
  const { id } = await params;
  const raw = await searchParams;
  const filter = ZFilter.parse({ type: typeof raw.type === "string" && raw.type ? raw.type : undefined, q: typeof raw.q === "string" && raw.q ? raw.q : undefined });
  const { accounts, totals, perAccountLimit } = await listDiscoveredResources(await getDb(), id, filter);
  const filtered = Boolean(filter.type || filter.q);
  if (accounts.length === 0) {
    return (
      <EmptyState title="Nothing discovered yet" action={<Link className={buttonClasses()} href={`/admin/integration/${id}`}>Run discovery</Link>}>
        Run discovery from the Overview tab; accounts, permission sets and resources appear here grouped by sub-account.
      </EmptyState>
    );
  }
  return (
    <>
      <div className="mb-4 flex flex-wrap gap-2 text-sm" aria-label="Totals">
        <Badge>{accounts.length} accounts</Badge>
        {RESOURCE_TYPES.map((t) => (
          <Badge key={t} tone="blue">
            {countOf(totals[t], SHORT[t])}
          </Badge>
        ))}
      </div>
      <form method="get" className="mb-4 grid grid-cols-1 gap-2 rounded-lg border border-slate-200 bg-white p-3 sm:grid-cols-[1fr_auto_auto_auto]">
        <input name="q" defaultValue={filter.q} placeholder="Search name, ARN or tag (environment=prod)" aria-label="Search resources" className="rounded-md border border-slate-300 px-2 py-1.5 text-sm" />
        <select name="type" defaultValue={filter.type ?? ""} aria-label="Resource type" className="rounded-md border border-slate-300 px-2 py-1.5 text-sm">
          <option value="">All types</option>
          {RESOURCE_TYPES.map((t) => (
            <option key={t} value={t}>
              {RESOURCE_TYPE_LABELS[t]}
            </option>
          ))}
        </select>
        <button type="submit" className={buttonClasses()}>
          Filter
        </button>
        {filtered ? (
          <Link href={`/admin/integration/${id}/resources`} className={buttonClasses("ghost")}>
            Clear
          </Link>
        ) : null}
      </form>
      <ul className="space-y-3" aria-label="Sub-accounts">
        {accounts.map((a) => (
          <li key={a.id} className="rounded-lg border border-slate-200 bg-white shadow-sm" data-testid={`account-${a.accountId}`}>
            <details open={accounts.length <= 3 || filtered} className="group">
              <summary className="cursor-pointer list-none p-4">
                <div className="flex flex-wrap items-center gap-2">
                  <h2 className="font-semibold text-slate-900">{a.name}</h2>
                  <span className="font-mono text-xs text-slate-500">{a.accountId}</span>
                  {a.isManagement ? <Badge tone="violet">management</Badge> : null}
                  {a.state !== "ACTIVE" ? <Badge tone="amber">{a.state.toLowerCase()}</Badge> : null}
                  {a.lastSyncError ? <Badge tone="red">sync error</Badge> : null}
                  <span className="ml-auto text-xs font-medium text-sky-700 group-open:hidden">Show ▾</span>
                  <span className="ml-auto hidden text-xs font-medium text-slate-500 group-open:inline">Hide ▴</span>
                </div>
                <p className="mt-0.5 text-xs text-slate-500">{a.ouPath ?? "no OU"}</p>
                <p className="mt-2 flex flex-wrap gap-1.5 text-xs">
                  {RESOURCE_TYPES.map((t) => (
                    <span key={t} className={`rounded px-1.5 py-0.5 ${a.counts[t] > 0 ? "bg-slate-100 text-slate-800" : "bg-slate-50 text-slate-400"}`}>
                      {countOf(a.counts[t], SHORT[t])}
                    </span>
                  ))}
                  <span className="rounded bg-violet-50 px-1.5 py-0.5 text-violet-800">{countOf(a.permissionSets.length, ["permission set", "permission sets"])}</span>
                </p>
              </summary>
              <div className="border-t border-slate-100 px-4 pb-4">
                {a.lastSyncError ? (
                  <p role="alert" className="mt-3 rounded bg-rose-50 p-2 text-sm break-words whitespace-pre-line text-rose-800">
                    {a.lastSyncError}
                  </p>
                ) : a.resourcesTotal === 0 && !a.lastSyncedAt ? (
                  <p className="mt-3 text-sm text-slate-500">Not scanned: no sub_accounts entry applies (the management account is only scanned when listed explicitly).</p>
                ) : null}
                {a.permissionSets.length > 0 ? (
                  <div className="mt-3">
                    <h3 className="text-xs font-semibold tracking-wide text-slate-500 uppercase">Permission sets</h3>
                    <p className="mt-1 flex flex-wrap gap-1.5">
                      {a.permissionSets.map((p) => (
                        <Badge key={p.id} tone={p.portalManaged ? "amber" : "violet"} title={p.portalManaged ? "temporary set created by the portal" : undefined}>
                          {p.name}
                        </Badge>
                      ))}
                    </p>
                  </div>
                ) : null}
                {a.resources.length > 0 ? (
                  <div className="mt-3">
                    <h3 className="text-xs font-semibold tracking-wide text-slate-500 uppercase">Resources{filtered ? ` matching (${a.resourcesShown})` : ""}</h3>
                    <ul className="mt-1 divide-y divide-slate-100">
                      {a.resources.map((r) => (
                        <li key={r.id} className="flex flex-col gap-0.5 py-1.5 sm:flex-row sm:items-center sm:gap-3">
                          <span className="w-24 shrink-0 text-xs text-slate-500">{SHORT[r.type][0]}</span>
                          <span className="min-w-0 flex-1 truncate text-sm text-slate-900" title={r.arn}>
                            {r.name}
                          </span>
                          <span className="shrink-0 text-xs text-slate-500">{r.region ?? "global"}</span>
                          <span className="flex min-w-0 flex-wrap gap-1 sm:w-64 sm:justify-end">
                            {Object.entries(r.tags)
                              .filter(([k]) => k !== "Name")
                              .slice(0, 3)
                              .map(([k, v]) => (
                                <span key={k} className="rounded bg-slate-100 px-1 text-xs text-slate-600">
                                  {k}={v}
                                </span>
                              ))}
                          </span>
                        </li>
                      ))}
                    </ul>
                    {a.resourcesShown > a.resources.length ? <p className="mt-1 text-xs text-slate-500">First {perAccountLimit} of {a.resourcesShown}: narrow with the search.</p> : null}
                  </div>
                ) : filtered && a.resourcesTotal > 0 ? (
                  <p className="mt-3 text-sm text-slate-500">No resource in this account matches the filter.</p>
                ) : null}
              </div>
            </details>
          </li>
        ))}
      </ul>
    </>
  );
}
