import { WideTable } from "@/components/ui/wide-table";
import Link from "next/link";
import { buttonClasses } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { requireAdminPage } from "@/lib/auth/current-user";
import { listAuditEvents, ZAuditFilter } from "@/lib/audit/list-audit-events";
import { getDb } from "@/lib/db/client";
import { VerifyChainButton } from "./_components/verify-chain-button";

export const metadata = { title: "Audit log" };

const FILTER_FIELDS = ["actor", "action", "account", "from", "to"] as const;

export default async function AuditPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  await requireAdminPage();
  const raw = await searchParams;
  const typed: Record<string, string | undefined> = Object.fromEntries(
    Object.entries(raw).map(([k, v]) => [k, Array.isArray(v) ? v[0] : v]),
  );
  const parsed = ZAuditFilter.safeParse(typed);
  // An invalid filter lists nothing (an unfiltered log would read as the filtered one) and keeps what was typed.
  const errors: Record<string, string> = {};
  if (!parsed.success) for (const issue of parsed.error.issues) errors[String(issue.path[0] ?? "form")] ??= issue.message;
  const { events, nextCursor } = parsed.success ? await listAuditEvents(await getDb(), parsed.data) : { events: [], nextCursor: null };
  // The chain is verified on demand (the button below): walking every event on each view does not scale.
  const query = parsed.success
    ? new URLSearchParams(Object.entries(parsed.data).filter(([k, v]) => v && k !== "cursor") as [string, string][])
    : null;
  return (
    <>
      <PageHeader
        title="Audit log"
        description="Every change that matters, append-only and hash-chained."
        actions={
          query ? (
            <a className={buttonClasses("secondary")} href={`/admin/audit/export?${query.toString()}`}>
              Export CSV
            </a>
          ) : null
        }
      />
      {!parsed.success ? (
        <div
          role="alert"
          className="mb-4 rounded-md border border-rose-200 bg-rose-50 px-3 py-2 text-sm text-rose-800"
          data-testid="audit-filter-error"
        >
          <p className="font-medium">The filter was not applied, so no events are listed. Correct it and filter again.</p>
          <ul className="mt-1 list-disc pl-5">
            {Object.entries(errors).map(([field, message]) => (
              <li key={field}>
                {FIELD_LABELS[field] ?? field}: {message}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      <form
        className="mb-4 grid grid-cols-1 gap-3 rounded-lg border border-slate-200 bg-white p-3 sm:grid-cols-2 lg:grid-cols-5"
        method="get"
      >
        {FILTER_FIELDS.map((name) => (
          <FilterField key={name} name={name} defaultValue={typed[name]} error={errors[name]} {...FIELD_PROPS[name]} />
        ))}
        <div className="flex flex-wrap items-center gap-2 sm:col-span-2 lg:col-span-5">
          <button className={buttonClasses()} type="submit">
            Filter
          </button>
          <Link className={buttonClasses("ghost")} href="/admin/audit">
            Clear
          </Link>
          <div className="ml-auto min-w-0">
            <VerifyChainButton />
          </div>
        </div>
      </form>
      {!parsed.success ? null : events.length === 0 ? (
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
          <WideTable columns={[{ label: "#" }, { label: "Time (UTC)" }, { label: "Actor" }, { label: "Action" }, { label: "Subject" }, { label: "Account" }, { label: "Details" }]}>
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
          </WideTable>
        </>
      )}
      {nextCursor && query ? (
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

const FIELD_PROPS: Record<(typeof FILTER_FIELDS)[number], { label: string; placeholder?: string; type?: string; hint?: string }> = {
  actor: { label: "Actor", placeholder: "email" },
  action: { label: "Action", placeholder: "e.g. request.", hint: "Prefix match" },
  account: { label: "AWS account", placeholder: "12 digits" },
  from: { label: "From (UTC)", type: "date" },
  to: { label: "To (UTC)", type: "date" },
};
const FIELD_LABELS: Record<string, string> = {
  ...Object.fromEntries(Object.entries(FIELD_PROPS).map(([k, v]) => [k, v.label])),
  cursor: "Page",
};

function FilterField(props: {
  label: string;
  name: string;
  defaultValue?: string;
  placeholder?: string;
  type?: string;
  hint?: string;
  error?: string;
}) {
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
        aria-invalid={props.error ? true : undefined}
        aria-describedby={props.error ? `${id}-error` : undefined}
        className={`rounded-md border px-2 py-1.5 text-sm ${props.error ? "border-rose-400 ring-1 ring-rose-300" : "border-slate-300"}`}
      />
      {props.error ? (
        <p id={`${id}-error`} className="text-xs text-rose-700">
          {props.error}
        </p>
      ) : null}
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
