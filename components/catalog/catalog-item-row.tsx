import Link from "next/link";
import { Badge } from "@/components/ui/badge";
import { buttonClasses } from "@/components/ui/button";
import type { TCatalogItem, TMyOpenRequest } from "@/lib/catalog/list-catalog";
import { LocalTime } from "@/components/ui/local-time";
import { TARGET_TYPE_LABELS, TARGET_TYPE_TONES } from "./target-labels";

/** Where the request form for an item lives. */
export function requestHref(item: Pick<TCatalogItem, "id" | "type">, accountId: string | null): string {
  if (item.type === "GROUP") return `/catalog/request?group=${encodeURIComponent(item.id)}`;
  if (item.type === "PERMISSION_SET") return `/catalog/request?permissionSet=${encodeURIComponent(item.id)}&account=${accountId ?? ""}`;
  return `/catalog/request?resource=${encodeURIComponent(item.id)}`;
}

export function CatalogItemRow({ item, accountId }: { item: TCatalogItem; accountId: string | null }) {
  const tags = Object.entries(item.tags);
  return (
    <li className="flex flex-col gap-3 px-4 py-3 sm:flex-row sm:items-start sm:justify-between" data-testid="catalog-item" data-name={item.name}>
      <div className="min-w-0 flex-1">
        <div className="flex flex-wrap items-center gap-2">
          <Badge tone={TARGET_TYPE_TONES[item.type] ?? "neutral"}>{TARGET_TYPE_LABELS[item.type] ?? item.type}</Badge>
          <span className="break-all font-medium text-slate-900">{item.name}</span>
          {item.region ? <span className="text-xs text-slate-500">{item.region}</span> : null}
          {item.detail ? <span className="text-xs text-slate-500">· {item.detail}</span> : null}
        </div>
        {item.arn ? <div className="mt-1 break-all font-mono text-xs text-slate-500">{item.arn}</div> : null}
        {tags.length > 0 ? (
          <div className="mt-1.5 flex flex-wrap gap-1">
            {tags.slice(0, 6).map(([key, value]) => (
              <span key={key} className="rounded bg-slate-100 px-1.5 py-0.5 font-mono text-[11px] text-slate-600">
                {key}={value}
              </span>
            ))}
            {tags.length > 6 ? <span className="text-[11px] text-slate-500">+{tags.length - 6} more</span> : null}
          </div>
        ) : null}
      </div>
      <div className="shrink-0 sm:w-72 sm:text-right">
        {item.mine ? <MyRequestNote mine={item.mine} name={item.name} /> : null}
        {item.eligibility.eligible ? (
          <div className="flex items-center gap-3 sm:flex-col sm:items-end sm:gap-1">
            <Link
              className={buttonClasses(item.mine ? "secondary" : "primary", "shrink-0 whitespace-nowrap py-1.5")}
              href={requestHref(item, accountId)}
              aria-label={`Request access to ${item.name}${item.mine ? " again" : ""}`}
            >
              {item.mine ? "Request again" : "Request"}
            </Link>
            <span className="text-xs text-slate-500">
              {item.eligibility.summary}
            </span>
          </div>
        ) : (
          <details className="group text-left text-sm sm:inline-block">
            <summary className="cursor-pointer list-none text-xs font-medium text-slate-500 underline decoration-dotted underline-offset-2 hover:text-slate-800">
              Why can&apos;t I request this?
            </summary>
            <ul className="mt-2 list-disc space-y-1 rounded-md bg-slate-50 py-2 pl-6 pr-3 text-xs text-slate-700">
              {item.eligibility.reasons.map((reason) => (
                <li key={reason}>{reason}</li>
              ))}
            </ul>
          </details>
        )}
      </div>
    </li>
  );
}

/** "You already asked": links to the request so nobody files a duplicate by mistake. */
function MyRequestNote({ mine, name }: { mine: TMyOpenRequest; name: string }) {
  // The accessible name is the visible text plus the sr-only tail, so the time it speaks is the one shown.
  const text =
    mine.state === "ACTIVE" ? (
      <>
        Access until <LocalTime iso={mine.expiresAt} />
      </>
    ) : mine.state === "PROVISIONING" ? (
      "Approved · being set up"
    ) : (
      "Your request is pending"
    );
  return (
    <Link
      href={`/requests?request=${encodeURIComponent(mine.requestId)}`}
      className="mb-2 inline-flex items-center gap-1.5 rounded-md border border-sky-200 bg-sky-50 px-2 py-1 text-xs font-medium text-sky-900 hover:bg-sky-100"
      data-testid="catalog-mine"
      data-state={mine.state}
    >
      <span className={`h-1.5 w-1.5 rounded-full ${mine.state === "ACTIVE" ? "bg-emerald-500" : mine.state === "PROVISIONING" ? "animate-pulse bg-sky-500" : "bg-amber-500"}`} aria-hidden />
      <span>
        {text}
        <span className="sr-only"> for {name}: view the request</span>
      </span>
      <span aria-hidden>→</span>
    </Link>
  );
}
