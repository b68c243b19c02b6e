import Link from "next/link";
import { buttonClasses } from "@/components/ui/button";
import type { TCatalogQuery } from "@/lib/catalog/catalog-query";
import { TARGET_TYPES } from "@/lib/access/target-types";
import { TARGET_TYPE_LABELS } from "./target-labels";

const field = "w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-sm shadow-sm focus:border-sky-500 focus:outline-none focus:ring-1 focus:ring-sky-500";

/** A plain GET form: filters live in the URL, so a filtered page can be bookmarked and shared. */
export function CatalogFilters({
  query,
  orgUnits,
  accounts,
  integrations,
}: {
  query: Partial<TCatalogQuery>;
  orgUnits: { awsId: string; path: string }[];
  accounts: { accountId: string; name: string }[];
  integrations: { id: string; name: string }[];
}) {
  return (
    <form method="get" action="/catalog" className="mb-6 grid gap-3 rounded-lg border border-slate-200 bg-white p-4 shadow-sm sm:grid-cols-2 lg:grid-cols-6" role="search">
      <label className="sm:col-span-2 lg:col-span-2">
        <span className="mb-1 block text-xs font-medium text-slate-600">Search</span>
        <input name="q" type="search" defaultValue={query.q ?? ""} placeholder="Name, ARN or tag (environment=prod)" className={field} maxLength={200} />
      </label>
      <label>
        <span className="mb-1 block text-xs font-medium text-slate-600">Type</span>
        <select name="type" defaultValue={query.type ?? ""} className={field}>
          <option value="">All types</option>
          {TARGET_TYPES.map((type) => (
            <option key={type} value={type}>
              {TARGET_TYPE_LABELS[type]}
            </option>
          ))}
        </select>
      </label>
      <label>
        <span className="mb-1 block text-xs font-medium text-slate-600">Account id</span>
        <input name="account" defaultValue={query.account ?? ""} list="catalog-accounts" inputMode="numeric" pattern="\d{12}" placeholder="12 digits" className={field} />
        <datalist id="catalog-accounts">
          {accounts.map((a) => (
            <option key={a.accountId} value={a.accountId}>
              {a.name}
            </option>
          ))}
        </datalist>
      </label>
      <label>
        <span className="mb-1 block text-xs font-medium text-slate-600">Organizational unit</span>
        <select name="ou" defaultValue={query.ou ?? ""} className={field}>
          <option value="">Any OU</option>
          {orgUnits.map((ou) => (
            <option key={ou.awsId} value={ou.awsId}>
              {ou.path}
            </option>
          ))}
        </select>
      </label>
      <label>
        <span className="mb-1 block text-xs font-medium text-slate-600">Tag</span>
        <input name="tag" defaultValue={query.tag ?? ""} placeholder="key=value" className={field} maxLength={400} />
      </label>
      {integrations.length > 1 ? (
        <label className="lg:col-span-2">
          <span className="mb-1 block text-xs font-medium text-slate-600">Integration</span>
          <select name="integration" defaultValue={query.integration ?? ""} className={field}>
            {integrations.map((i) => (
              <option key={i.id} value={i.id}>
                {i.name}
              </option>
            ))}
          </select>
        </label>
      ) : null}
      <div className="flex items-end gap-2 sm:col-span-2 lg:col-span-6 lg:justify-end">
        <button type="submit" className={buttonClasses("primary")}>
          Apply filters
        </button>
        <Link href="/catalog" className={buttonClasses("secondary")}>
          Clear
        </Link>
      </div>
    </form>
  );
}
