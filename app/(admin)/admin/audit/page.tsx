import Link from "next/link";
import { Badge } from "@/components/ui/badge";
import { buttonClasses } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { requireAdminPage } from "@/lib/auth/current-user";
import { listAuditEvents, ZAuditFilter } from "@/lib/audit/list-audit-events";
import { verifyAuditChain } from "@/lib/audit/verify-audit-chain";
import { getDb } from "@/lib/db/client";
import { VerifyChainButton } from "./_components/verify-chain-button";

export const metadata = { title: "Audit log" };

export default async function AuditPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  await requireAdminPage();
  const raw = await searchParams;
  const parsed = ZAuditFilter.safeParse(Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, Array.isArray(v) ? v[0] : v])));
  const filter = parsed.success ? parsed.data : {};
  const db = await getDb();
  const [{ events, nextCursor }, chain] = await Promise.all([listAuditEvents(db, filter), verifyAuditChain(db)]);
  const query = new URLSearchParams(Object.entries(filter).filter(([k, v]) => v && k !== "cursor") as [string, string][]);
  return (
    <>
      <PageHeader
        title="Audit log"
        description="Every change that matters, append-only and hash-chained."
        actions={
          <>
            {chain.ok ? (
              <Badge tone="green" title={`last hash ${chain.lastHash}`}>
                Chain verifies · {chain.count} events
              </Badge>
            ) : (
              <Badge tone="red">Chain broken at event #{chain.brokenAt.seq}</Badge>
            )}
            <a className={buttonClasses("secondary")} href={`/admin/audit/export?${query.toString()}`}>
              Export CSV
            </a>
          </>
        }
      />
      {!parsed.success ? (
        <p role="alert" className="mb-4 rounded-md bg-rose-50 px-3 py-2 text-sm text-rose-700">
          {parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}
        </p>
      ) : null}
      <form className="mb-4 grid grid-cols-1 gap-2 rounded-lg border border-slate-200 bg-white p-3 sm:grid-cols-6" method="get">
        <input name="actor" defaultValue={filter.actor} placeholder="Actor email" className="rounded-md border border-slate-300 px-2 py-1.5 text-sm sm:col-span-2" />
        <input name="action" defaultValue={filter.action} placeholder="Action (e.g. request.)" className="rounded-md border border-slate-300 px-2 py-1.5 text-sm" />
        <input name="account" defaultValue={filter.account} placeholder="AWS account id" className="rounded-md border border-slate-300 px-2 py-1.5 text-sm" />
        <input name="from" type="date" defaultValue={filter.from} aria-label="From" className="rounded-md border border-slate-300 px-2 py-1.5 text-sm" />
        <input name="to" type="date" defaultValue={filter.to} aria-label="To" className="rounded-md border border-slate-300 px-2 py-1.5 text-sm" />
        <div className="flex gap-2 sm:col-span-6">
          <button className={buttonClasses()} type="submit">Filter</button>
          <Link className={buttonClasses("ghost")} href="/admin/audit">Clear</Link>
          <div className="ml-auto">
            <VerifyChainButton />
          </div>
        </div>
      </form>
      {events.length === 0 ? (
        <EmptyState title="No events match">Try a wider time range or clear the filters.</EmptyState>
      ) : (
        <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white">
          <table className="min-w-full divide-y divide-slate-200 text-sm">
            <thead className="bg-slate-50 text-left text-xs font-semibold uppercase tracking-wide text-slate-500">
              <tr>
                <th className="px-3 py-2">#</th>
                <th className="px-3 py-2">Time (UTC)</th>
                <th className="px-3 py-2">Actor</th>
                <th className="px-3 py-2">Action</th>
                <th className="px-3 py-2">Subject</th>
                <th className="px-3 py-2">Account</th>
                <th className="px-3 py-2">Details</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {events.map((e) => (
                <tr key={e.id} className="align-top">
                  <td className="px-3 py-2 font-mono text-xs text-slate-500">{e.seq.toString()}</td>
                  <td className="whitespace-nowrap px-3 py-2 font-mono text-xs">{e.createdAt.toISOString().replace("T", " ").slice(0, 19)}</td>
                  <td className="px-3 py-2">{e.actorEmail ?? "—"}</td>
                  <td className="px-3 py-2 font-medium">{e.action}</td>
                  <td className="px-3 py-2 text-slate-600">
                    {e.subjectType}
                    {e.subjectId ? <span className="block font-mono text-xs text-slate-400">{e.subjectId}</span> : null}
                  </td>
                  <td className="px-3 py-2 font-mono text-xs">{e.awsAccountId ?? "—"}</td>
                  <td className="max-w-md px-3 py-2">
                    <code className="block truncate text-xs text-slate-500" title={JSON.stringify(e.details)}>
                      {JSON.stringify(e.details)}
                    </code>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {nextCursor ? (
        <div className="mt-4">
          <Link className={buttonClasses("secondary")} href={`/admin/audit?${new URLSearchParams({ ...Object.fromEntries(query), cursor: nextCursor }).toString()}`}>
            Older events
          </Link>
        </div>
      ) : null}
    </>
  );
}
