import Link from "next/link";
import { Badge } from "@/components/ui/badge";
import { buttonClasses } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { RequestForm } from "@/components/requests/request-form";
import { TARGET_TYPE_LABELS, TARGET_TYPE_TONES } from "@/components/catalog/target-labels";
import { requireUser } from "@/lib/auth/current-user";
import { getRequestForm } from "@/lib/catalog/get-request-form";
import { ZTargetRef } from "@/lib/catalog/load-request-target";
import { getDb } from "@/lib/db/client";
import { isAppError } from "@/lib/errors/app-error";

export const metadata = { title: "Request access" };

type TSearchParams = Promise<Record<string, string | string[] | undefined>>;

function first(value: string | string[] | undefined) {
  return Array.isArray(value) ? value[0] : value;
}

export default async function RequestAccessPage({ searchParams }: { searchParams: TSearchParams }) {
  const params = await searchParams;
  const query = new URLSearchParams(Object.entries(params).flatMap(([k, v]) => (v === undefined ? [] : (Array.isArray(v) ? v : [v]).map((x) => [k, x]))));
  // Signed out meanwhile: back to this form after sign-in, where the draft is restored.
  const user = await requireUser(`/catalog/request?${query}`);
  const ref = ZTargetRef.safeParse(
    first(params.resource)
      ? { kind: "RESOURCE", resourceId: first(params.resource) }
      : first(params.permissionSet)
        ? { kind: "PERMISSION_SET", permissionSetId: first(params.permissionSet), accountId: first(params.account) }
        : { kind: "GROUP", groupId: first(params.group) },
  );
  const back = (
    <Link className={buttonClasses("secondary")} href="/catalog">
      Back to the catalog
    </Link>
  );
  if (!ref.success) {
    return (
      <>
        <PageHeader title="Request access" />
        <EmptyState title="Nothing chosen" action={back}>Pick an item in the catalog and choose Request.</EmptyState>
      </>
    );
  }
  let form;
  try {
    form = await getRequestForm(await getDb(), { userEmail: user.email, target: ref.data });
  } catch (error) {
    if (!isAppError(error)) throw error;
    return (
      <>
        <PageHeader title="Request access" />
        <EmptyState title="Cannot request this" action={back}>{error.userMessage}</EmptyState>
      </>
    );
  }
  const { target } = form;
  const tags = Object.entries(target.tags);
  return (
    <>
      <PageHeader title="Request access" description="Ask for exactly what you need, for as long as you need it. You will see every decision in My requests." actions={back} />
      <section className="mb-6 rounded-lg border border-slate-200 bg-white p-4 shadow-sm" data-testid="request-target">
        <div className="flex flex-wrap items-center gap-2">
          <Badge tone={TARGET_TYPE_TONES[target.type] ?? "neutral"}>{TARGET_TYPE_LABELS[target.type] ?? target.type}</Badge>
          <h2 className="break-all text-lg font-semibold text-slate-900">{target.name}</h2>
        </div>
        <dl className="mt-3 grid gap-x-6 gap-y-1 text-sm sm:grid-cols-[max-content_1fr]">
          {target.accountId ? (
            <>
              <dt className="text-slate-500">Account</dt>
              <dd>
                {target.accountName} <span className="font-mono text-slate-600">{target.accountId}</span>
                {target.ouPath ? <span className="text-slate-500"> · {target.ouPath}</span> : null}
              </dd>
            </>
          ) : null}
          {target.arn ? (
            <>
              <dt className="text-slate-500">ARN</dt>
              <dd className="break-all font-mono text-xs leading-5 text-slate-700">{target.arn}</dd>
            </>
          ) : null}
          {tags.length ? (
            <>
              <dt className="text-slate-500">Tags</dt>
              <dd className="flex flex-wrap gap-1">
                {tags.map(([k, v]) => (
                  <span key={k} className="rounded bg-slate-100 px-1.5 py-0.5 font-mono text-[11px] text-slate-600">
                    {k}={v}
                  </span>
                ))}
              </dd>
            </>
          ) : null}
        </dl>
      </section>
      {form.eligible ? (
        <RequestForm target={ref.data} levels={form.levels} sessionsOutlast={form.sessionsOutlast} />
      ) : (
        <div className="rounded-lg border border-amber-200 bg-amber-50 px-4 py-3 text-sm text-amber-900" data-testid="not-eligible">
          <p className="font-medium">You cannot request this.</p>
          <ul className="mt-2 list-disc pl-5">
            {form.reasons.map((r) => (
              <li key={r}>{r}</li>
            ))}
          </ul>
          <p className="mt-2 text-xs">Policies decide who may request what; an admin can change them in Admin → Policies.</p>
        </div>
      )}
    </>
  );
}
