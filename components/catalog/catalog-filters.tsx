import Link from "next/link";
import { buttonClasses } from "@/components/ui/button";
import { FieldLabel, SelectField, fieldClasses as field } from "@/components/ui/field";
import type { TCatalogQuery } from "@/lib/catalog/catalog-query";
import { TARGET_TYPES } from "@/lib/access/target-types";
import { TARGET_TYPE_LABELS } from "./target-labels";

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
        <FieldLabel>Search</FieldLabel>
        <input name="q" type="search" defaultValue={query.q ?? ""} placeholder="Name, ARN or tag (environment=prod)" className={field} maxLength={200} />
      </label>
      <SelectField label="Type" name="type" defaultValue={query.type ?? ""} emptyOption="All types" options={TARGET_TYPES.map((type) => ({ value: type, label: TARGET_TYPE_LABELS[type] ?? type }))} />
      <label>
        <FieldLabel>Account id</FieldLabel>
        <input name="account" defaultValue={query.account ?? ""} list="catalog-accounts" inputMode="numeric" pattern="\d{12}" placeholder="12 digits" className={field} />
        <datalist id="catalog-accounts">
          {accounts.map((a) => (
            <option key={a.accountId} value={a.accountId}>
              {a.name}
            </option>
          ))}
        </datalist>
      </label>
      <SelectField label="Organizational unit" name="ou" defaultValue={query.ou ?? ""} emptyOption="Any OU" options={orgUnits.map((ou) => ({ value: ou.awsId, label: ou.path }))} />
      <label>
        <FieldLabel>Tag</FieldLabel>
        <input name="tag" defaultValue={query.tag ?? ""} placeholder="key=value" className={field} maxLength={400} />
      </label>
      {integrations.length > 1 ? (
        <SelectField className="lg:col-span-2" label="Integration" name="integration" defaultValue={query.integration ?? ""} options={integrations.map((i) => ({ value: i.id, label: i.name }))} />
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
