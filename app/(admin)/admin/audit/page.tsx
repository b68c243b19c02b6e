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
      <form
        className="mb-4 grid grid-cols-1 gap-3 rounded-lg border border-slate-200 bg-white p-3 sm:grid-cols-2 lg:grid-cols-5"
        method="get"
      >
        <FilterField label="Actor" name="actor" defaultValue={filter.actor} placeholder="email" />
        <FilterField label="Action" name="action" defaultValue={filter.action} placeholder="e.g. request." hint="Prefix match" />
        <FilterField label="AWS account" name="account" defaultValue={filter.account} placeholder="12 digits" />
        <FilterField label="From (UTC)" name="from" type="date" defaultValue={filter.from} />
        <FilterField label="To (UTC)" name="to" type="date" defaultValue={filter.to} />
        <div className="flex flex-wrap items-center gap-2 sm:col-span-2 lg:col-span-5">
          <button className={buttonClasses()} type="submit">
            Filter
          </button>
          <Link className={buttonClasses("ghost")} href="/admin/audit">
            Clear
          </Link>
          <div className="ml-auto">
            <VerifyChainButton />
          </div>
        </div>
      </form>
      {events.length === 0 ? (
        <EmptyState title="No events match">Try a wider time range or clear the filters.</EmptyState>
      ) : (
        <>
          {/* Narrow screens: one card per event. */}
          <ol className="space-y-2 md:hidden" aria-label="Audit events">
            {events.map((e) => (
              <li key={e.id} className="rounded-lg border border-slate-200 bg-white p-3 text-sm">
                <div className="flex flex-wrap items-baseline justify-between gap-x-3 gap-y-1">
                  <span className="font-medium text-slate-900">{e.action}</span>
                  <span className="font-mono text-xs text-slate-500">
                    #{e.seq.toString()} · {utc(e.createdAt)}
                  </span>
                </div>
                <p className="mt-1 text-slate-600">
                  {e.actorEmail ?? "system"} · {e.subjectType}
                  {e.awsAccountId ? (
                    <>
                      {" "}
                      · account <span className="font-mono">{e.awsAccountId}</span>
                    </>
                  ) : null}
                </p>
                {e.subjectId ? <p className="break-all font-mono text-xs text-slate-400">{e.subjectId}</p> : null}
                <AuditDetails details={e.details} />
              </li>
            ))}
          </ol>
          <div className="hidden overflow-x-auto rounded-lg border border-slate-200 bg-white md:block">
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
                    <td className="whitespace-nowrap px-3 py-2 font-mono text-xs">{utc(e.createdAt)}</td>
                    <td className="px-3 py-2">{e.actorEmail ?? "system"}</td>
                    <td className="px-3 py-2 font-medium">{e.action}</td>
                    <td className="px-3 py-2 text-slate-600">
                      {e.subjectType}
                      {e.subjectId ? <span className="block font-mono text-xs text-slate-400">{e.subjectId}</span> : null}
                    </td>
                    <td className="px-3 py-2 font-mono text-xs">{e.awsAccountId ?? "—"}</td>
                    <td className="min-w-64 max-w-md px-3 py-2">
                      <AuditDetails details={e.details} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
      {nextCursor ? (
        <div className="mt-4">
          <Link
            className={buttonClasses("secondary")}
            href={`/admin/audit?${new URLSearchParams({ ...Object.fromEntries(query), cursor: nextCursor }).toString()}`}
          >
            Older events
          </Link>
        </div>
      ) : null}
    </>
  );
}

function utc(d: Date): string {
  return d.toISOString().replace("T", " ").slice(0, 19);
}

function FilterField(props: { label: string; name: string; defaultValue?: string; placeholder?: string; type?: string; hint?: string }) {
  const id = `audit-${props.name}`;
  return (
    <div className="flex flex-col gap-1">
      <label htmlFor={id} className="text-xs font-medium text-slate-600">
        {props.label}
        {props.hint ? <span className="font-normal text-slate-400"> · {props.hint}</span> : null}
      </label>
      <input
        id={id}
        name={props.name}
        type={props.type ?? "text"}
        defaultValue={props.defaultValue}
        placeholder={props.placeholder}
        className="rounded-md border border-slate-300 px-2 py-1.5 text-sm"
      />
    </div>
  );
}

/** The first few fields as key: value, the whole document one click away. */
function AuditDetails({ details }: { details: unknown }) {
  const entries =
    details && typeof details === "object" && !Array.isArray(details) ? Object.entries(details as Record<string, unknown>) : [];
  if (entries.length === 0) return <span className="text-xs text-slate-400">—</span>;
  const show = (v: unknown) => (typeof v === "string" ? v : JSON.stringify(v));
  const head = entries.slice(0, 3);
  return (
    <div className="mt-1 text-xs md:mt-0">
      <dl className="space-y-0.5">
        {head.map(([k, v]) => (
          <div key={k} className="flex gap-1">
            <dt className="shrink-0 text-slate-500">{k}:</dt>
            <dd className="line-clamp-2 break-all font-mono text-slate-700">{show(v)}</dd>
          </div>
        ))}
      </dl>
      {entries.length > 3 || head.some(([, v]) => show(v).length > 60) ? (
        <details className="mt-1">
          <summary className="cursor-pointer text-slate-500 underline decoration-dotted underline-offset-2">
            {entries.length > 3 ? `All ${entries.length} fields` : "Full values"}
          </summary>
          <pre className="mt-1 max-h-72 overflow-auto whitespace-pre-wrap break-all rounded bg-slate-50 p-2 font-mono text-[11px] text-slate-700">
            {JSON.stringify(details, null, 2)}
          </pre>
        </details>
      ) : null}
    </div>
  );
}
