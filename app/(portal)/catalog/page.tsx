import Link from "next/link";
import { Badge } from "@/components/ui/badge";
import { buttonClasses } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { CatalogFilters } from "@/components/catalog/catalog-filters";
import { CatalogItemRow } from "@/components/catalog/catalog-item-row";
import { requireUser } from "@/lib/auth/current-user";
import { catalogQueryToParams, parseCatalogQuery, type TCatalogQuery } from "@/lib/catalog/catalog-query";
import { listCatalog } from "@/lib/catalog/list-catalog";
import { listCatalogFacets } from "@/lib/catalog/list-catalog-facets";
import { getDb } from "@/lib/db/client";
import { isAppError } from "@/lib/errors/app-error";

export const metadata = { title: "Catalog" };

type TSearchParams = Promise<Record<string, string | string[] | undefined>>;

export default async function CatalogPage({ searchParams }: { searchParams: TSearchParams }) {
  const user = await requireUser();
  const parsed = parseCatalogQuery(await searchParams);
  const header = <PageHeader title="Catalog" description="Everything in your AWS organization, grouped by account. Request what you need, for as long as you need it." />;
  if (!parsed.success) {
    return (
      <>
        {header}
        <EmptyState title="Those filters are not valid" action={<Link className={buttonClasses()} href="/catalog">Clear filters</Link>}>
          {parsed.error.issues.map((i) => i.message).join("; ")}
        </EmptyState>
      </>
    );
  }
  const query = parsed.data;
  const db = await getDb();
  let page;
  try {
    page = await listCatalog(db, { userEmail: user.email, query });
  } catch (error) {
    if (!isAppError(error)) throw error;
    return (
      <>
        {header}
        <EmptyState title="Cannot show this page" action={<Link className={buttonClasses()} href="/catalog">Start over</Link>}>
          {error.userMessage}
        </EmptyState>
      </>
    );
  }

  if (page.status === "NO_INTEGRATION" || !page.integration) {
    return (
      <>
        {header}
        <EmptyState title="No integration configured yet" action={user.isAdmin ? <Link className={buttonClasses()} href="/admin/integration">Go to Admin → Integration</Link> : null}>
          No integration configured yet — an admin can add one in Admin → Integration. Once the portal is connected to AWS and discovery has run, the accounts, permission sets and resources you may request appear here.
        </EmptyState>
      </>
    );
  }
  const facets = await listCatalogFacets(db, page.integration.id);
  const filtered = Boolean(query.q || query.type || query.account || query.ou || query.tag);
  const nothingShown = page.accounts.length === 0 && (page.groups?.items.length ?? 0) === 0;
  const link = (q: Partial<TCatalogQuery>) => `/catalog?${catalogQueryToParams(q).toString()}`;

  return (
    <>
      {header}
      {!page.identity.linked ? (
        <div className="mb-4 rounded-lg border border-amber-200 bg-amber-50 px-4 py-3 text-sm text-amber-900" data-testid="not-linked">
          <strong>You are not linked to an IAM Identity Center user.</strong> The portal matches your sign-in email ({user.email}) to a user in
          Identity Center, and found none in {page.integration.name}. You can browse, but nothing can be granted to you until an admin adds you
          to Identity Center (or fixes your email there) and discovery runs again.
        </div>
      ) : null}
      <CatalogFilters query={query} orgUnits={facets.orgUnits} accounts={facets.accounts} integrations={page.integrations} />

      {!page.discovered ? (
        <EmptyState title="Nothing discovered yet">
          The integration is configured but discovery has not found any accounts or resources yet. An admin can run discovery from Admin → Integration.
        </EmptyState>
      ) : nothingShown ? (
        <EmptyState title={filtered ? "Nothing matches these filters" : "Nothing to show"} action={filtered ? <Link className={buttonClasses("secondary")} href="/catalog">Clear filters</Link> : null}>
          {filtered ? "No account, permission set, resource or group matches. Try a shorter search, another type, or fewer filters." : "Discovery found no requestable resources."}
        </EmptyState>
      ) : (
        <div className="space-y-6">
          {page.groups && page.groups.items.length > 0 ? (
            <section aria-labelledby="groups-heading" className="overflow-hidden rounded-lg border border-slate-200 bg-white shadow-sm" data-testid="catalog-groups">
              <div className="border-b border-slate-200 bg-slate-50 px-4 py-3">
                <h2 id="groups-heading" className="font-semibold text-slate-900">Identity Center groups</h2>
                <p className="text-xs text-slate-500">
                  Membership gives everything the group is assigned, in every account.
                  {page.groups.truncated ? ` Showing ${page.groups.items.length} of ${page.groups.total}; search to narrow.` : ""}
                </p>
              </div>
              <ul className="divide-y divide-slate-100">
                {page.groups.items.map((item) => (
                  <CatalogItemRow key={item.id} item={item} accountId={null} />
                ))}
              </ul>
            </section>
          ) : null}
          {page.accounts.map((account) => (
            <section key={`${account.accountRowId}-${account.items[0]?.id}`} className="overflow-hidden rounded-lg border border-slate-200 bg-white shadow-sm" data-testid="catalog-account" data-account-id={account.accountId}>
              <div className="flex flex-col gap-1 border-b border-slate-200 bg-slate-50 px-4 py-3 sm:flex-row sm:items-center sm:justify-between">
                <div className="min-w-0">
                  <h2 className="font-semibold text-slate-900">
                    {account.name} <span className="font-mono text-sm font-normal text-slate-500">{account.accountId}</span>
                  </h2>
                  {account.ouPath ? <div className="text-xs text-slate-500">{account.ouPath}</div> : null}
                </div>
                {query.account !== account.accountId ? (
                  <Link className="text-xs font-medium text-sky-700 hover:underline" href={link({ ...query, cursor: undefined, account: account.accountId })}>
                    Only this account
                  </Link>
                ) : (
                  <Badge tone="blue">Filtered to this account</Badge>
                )}
              </div>
              <ul className="divide-y divide-slate-100">
                {account.items.map((item) => (
                  <CatalogItemRow key={`${item.type}-${item.id}`} item={item} accountId={account.accountId} />
                ))}
              </ul>
            </section>
          ))}
          <nav className="flex items-center justify-between gap-3" aria-label="Pages">
            <span className="text-xs text-slate-500">
              {page.itemCount} item{page.itemCount === 1 ? "" : "s"} on this page{query.cursor ? " (continued)" : ""}
            </span>
            <div className="flex gap-2">
              {query.cursor ? (
                <Link className={buttonClasses("secondary")} href={link({ ...query, cursor: undefined })}>
                  First page
                </Link>
              ) : null}
              {page.nextCursor ? (
                <Link className={buttonClasses("secondary")} href={link({ ...query, cursor: page.nextCursor })} data-testid="catalog-next">
                  Next page →
                </Link>
              ) : null}
            </div>
          </nav>
        </div>
      )}
    </>
  );
}
