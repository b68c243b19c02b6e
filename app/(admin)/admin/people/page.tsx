import { WideTable } from "@/components/ui/wide-table";
import Link from "next/link";
import { Badge } from "@/components/ui/badge";
import { buttonClasses } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";
import { FieldLabel, fieldClasses, SelectField } from "@/components/ui/field";
import { LocalTime } from "@/components/ui/local-time";
import { PageHeader } from "@/components/ui/page-header";
import { PersonRowActions } from "@/components/people/person-row-actions";
import { requireAdminPage } from "@/lib/auth/current-user";
import { getDb } from "@/lib/db/client";
import { listPeople, PEOPLE_PAGE_SIZE, ZPeopleFilter, type TPersonRow } from "@/lib/people/list-people";

export const metadata = { title: "People" };

const STATUS_OPTIONS = [
  { value: "all", label: "Everyone" },
  { value: "active", label: "Active" },
  { value: "disabled", label: "Disabled" },
  { value: "admins", label: "Admins" },
] as const;

function Counts({ p }: { p: TPersonRow }) {
  const item = (n: number, label: string) => (
    <span className={n > 0 ? "text-slate-800" : "text-slate-400"}>
      {n} {label}
    </span>
  );
  return (
    <span className="flex flex-wrap gap-x-3 gap-y-0.5 text-xs">
      {item(p.liveSessions, p.liveSessions === 1 ? "session" : "sessions")}
      {item(p.pendingRequests, "pending")}
      {item(p.liveGrants, p.liveGrants === 1 ? "grant" : "grants")}
    </span>
  );
}

function Who({ p, self }: { p: TPersonRow; self: boolean }) {
  return (
    <div className="min-w-0">
      <p className="flex flex-wrap items-center gap-1.5 font-medium text-slate-900">
        <span className="truncate">{p.name ?? p.email}</span>
        {self ? <Badge>you</Badge> : null}
        {p.isAdmin ? <Badge tone="violet">admin</Badge> : null}
        {p.disabled ? <Badge tone="red">disabled</Badge> : null}
      </p>
      <p className="truncate text-xs text-slate-500">{p.email}</p>
      {p.groups.length > 0 ? (
        <p className="mt-0.5 truncate text-xs text-slate-400" title={p.groups.join(", ")}>
          {p.groups.join(", ")}
        </p>
      ) : null}
    </div>
  );
}

export default async function PeoplePage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const me = await requireAdminPage();
  const raw = await searchParams;
  const typed = Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, Array.isArray(v) ? v[0] : v]));
  const parsed = ZPeopleFilter.safeParse({ q: typed.q || undefined, status: typed.status || undefined, page: typed.page || undefined });
  const filter = parsed.success ? parsed.data : {};
  const page = parsed.success ? await listPeople(await getDb(), filter) : { people: [], total: 0, page: 1, firstIndex: 0, hasNext: false };
  const pageHref = (n: number) => {
    const params = new URLSearchParams();
    if (filter.q) params.set("q", filter.q);
    if (filter.status) params.set("status", filter.status);
    if (n > 1) params.set("page", String(n));
    const query = params.toString();
    return `/admin/people${query ? `?${query}` : ""}`;
  };
  const filtered = Boolean(filter.q) || (filter.status !== undefined && filter.status !== "all");
  return (
    <>
      <PageHeader
        title="People"
        description="Everyone with a portal account (made at their first sign-in). Disabling someone (offboarding) refuses their sign-in, ends their sessions, cancels their pending requests and revokes their access in AWS, in one audited step."
      />
      <form className="mb-4 flex flex-col gap-3 rounded-lg border border-slate-200 bg-white p-3 sm:flex-row sm:items-end" method="get" role="search">
        <label className="flex-1">
          <FieldLabel>Name or email</FieldLabel>
          <input name="q" defaultValue={typed.q ?? ""} maxLength={200} className={fieldClasses} placeholder="e.g. riley" aria-invalid={!parsed.success} />
        </label>
        <SelectField label="Show" name="status" defaultValue={filter.status ?? "all"} options={STATUS_OPTIONS} className="sm:w-44" />
        <div className="flex gap-2">
          <button className={buttonClasses()} type="submit">
            Search
          </button>
          {filtered ? (
            <Link className={buttonClasses("ghost")} href="/admin/people">
              Clear
            </Link>
          ) : null}
        </div>
      </form>
      {!parsed.success ? (
        <p role="alert" className="mb-4 rounded-md border border-rose-200 bg-rose-50 px-3 py-2 text-sm text-rose-800">
          The search was not applied: {parsed.error.issues.map((i) => i.message).join("; ")}.
        </p>
      ) : page.people.length === 0 ? (
        page.page > 1 && page.total > 0 ? (
          <EmptyState title="No one on this page">
            There are {page.total} {page.total === 1 ? "person" : "people"} in all. <Link className="underline" href={pageHref(1)}>Go to the first page</Link>.
          </EmptyState>
        ) : (
          <EmptyState title={filtered ? "Nobody matches" : "Nobody has signed in yet"}>
            {filtered ? "Try another name or email, or show everyone." : "People appear here after their first sign-in through the identity provider."}
          </EmptyState>
        )
      ) : (
        <>
          <p className="mb-2 text-xs text-slate-500" data-testid="people-count">
            {page.total > PEOPLE_PAGE_SIZE
              ? `${page.firstIndex}–${page.firstIndex + page.people.length - 1} of ${page.total} people, most recent sign-in first`
              : `${page.total} ${page.total === 1 ? "person" : "people"}`}
          </p>
          <ul className="space-y-3 md:hidden" aria-label="People">
            {page.people.map((p) => (
              <li key={p.id} className="rounded-lg border border-slate-200 bg-white p-3 shadow-sm" data-testid={`person-${p.email}`}>
                <Who p={p} self={p.id === me.id} />
                <div className="mt-2 flex flex-col gap-1 text-xs text-slate-500">
                  <Counts p={p} />
                  <span>
                    Last sign-in: {p.lastLoginAt ? <LocalTime iso={p.lastLoginAt} /> : "never"}
                  </span>
                </div>
                <div className="mt-3">
                  <PersonRowActions person={p} self={p.id === me.id} />
                </div>
              </li>
            ))}
          </ul>
          <WideTable columns={[{ label: "Person" }, { label: "Last sign-in" }, { label: "Holds now" }, { label: "Actions", align: "right" }]}>
            {page.people.map((p) => (
              <tr key={p.id} className="align-top" data-testid={`person-row-${p.email}`}>
                <td className="max-w-xs px-3 py-2">
                  <Who p={p} self={p.id === me.id} />
                </td>
                <td className="whitespace-nowrap px-3 py-2 text-xs text-slate-600">{p.lastLoginAt ? <LocalTime iso={p.lastLoginAt} /> : "never"}</td>
                <td className="px-3 py-2">
                  <Counts p={p} />
                </td>
                <td className="px-3 py-2">
                  <PersonRowActions person={p} self={p.id === me.id} />
                </td>
              </tr>
            ))}
          </WideTable>
          {page.page > 1 || page.hasNext ? (
            <nav className="mt-4 flex items-center justify-between gap-2" aria-label="People pages">
              {page.page > 1 ? (
                <Link className={buttonClasses("secondary")} href={pageHref(page.page - 1)} rel="prev">
                  ← Previous
                </Link>
              ) : (
                <span />
              )}
              <span className="text-xs text-slate-500">Page {page.page}</span>
              {page.hasNext ? (
                <Link className={buttonClasses("secondary")} href={pageHref(page.page + 1)} rel="next" data-testid="people-next">
                  Next →
                </Link>
              ) : (
                <span />
              )}
            </nav>
          ) : null}
        </>
      )}
    </>
  );
}
