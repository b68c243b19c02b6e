import Link from "next/link";
import { Badge } from "@/components/ui/badge";
import { buttonClasses } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { TARGET_TYPE_LABELS, formatDuration } from "@/components/catalog/target-labels";
import { requireAdminPage } from "@/lib/auth/current-user";
import { getDb } from "@/lib/db/client";
import { listPolicies } from "@/lib/policies/list-policies";
import { PolicyRowActions } from "./_components/policy-row-actions";

export const metadata = { title: "Policies" };

export default async function PoliciesPage() {
  await requireAdminPage();
  const policies = await listPolicies(await getDb());
  return (
    <>
      <PageHeader
        title="Policies"
        description="Who may request what, for how long, and who approves. Nothing is requestable until a policy allows it."
        actions={<Link className={buttonClasses()} href="/admin/policies/new">New policy</Link>}
      />
      <details className="mb-6 rounded-lg border border-sky-200 bg-sky-50 px-4 py-3 text-sm text-sky-950">
        <summary className="cursor-pointer font-medium">When several policies match a request, the strictest combination applies</summary>
        <ul className="mt-2 list-disc space-y-1 pl-5">
          <li>A level is requestable if at least one policy grants it to the requester on the target; the rules below combine only the policies that grant the requested level.</li>
          <li>Max duration and pending timeout: the shortest. Justification and ticket: required if any policy requires them; a ticket must match every pattern.</li>
          <li>Approval: automatic only if every such policy auto-approves; otherwise the steps of the strictest policy (most steps, then highest total quorum, then name).</li>
          <li>A policy with broken approval steps makes the request ineligible (fail closed). Pending requests keep the rules they were submitted under.</li>
        </ul>
        <p className="mt-2 text-xs">The full rules, with examples, are in lib/access/POLICIES.md.</p>
      </details>
      {policies.length === 0 ? (
        <EmptyState title="No policies yet" action={<Link className={buttonClasses()} href="/admin/policies/new">Create the first policy</Link>}>
          Without a policy nobody can request anything. Start with an account, an OU, a permission set or a tag, say who may request it, and who approves.
        </EmptyState>
      ) : (
        <ul className="space-y-3">
          {policies.map((p) => {
            const names = (ids: string[]) => ids.map((id) => p.nameOf[id] ?? id).join(", ");
            const scope = [
              p.targetTypes.length ? p.targetTypes.map((t) => TARGET_TYPE_LABELS[t] ?? t).join(", ") : "Any type",
              p.accessLevels.length ? `levels ${p.accessLevels.join(", ")}` : null,
              p.accountIds.length ? `accounts ${p.accountIds.join(", ")}` : null,
              p.orgUnitIds.length ? `OUs ${p.orgUnitIds.map((id) => p.orgUnitPaths[id] ?? id).join(", ")} (and below)` : null,
              p.resourceIds.length ? `resources ${names(p.resourceIds)}` : null,
              p.permissionSetIds.length ? `permission sets ${names(p.permissionSetIds)}` : null,
              p.groupIds.length ? `groups ${names(p.groupIds)}` : null,
              ...p.tagConditionsParsed.map((t) => `tag ${t.key} ∈ {${t.values.join(", ")}}`),
            ].filter(Boolean);
            const requesters = p.allowEveryone ? "Everyone" : [names(p.requesterUserIds), names(p.requesterGroupIds)].filter(Boolean).join(", ");
            return (
              <li key={p.id} className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm" data-testid="policy-row" data-policy-name={p.name}>
                <div className="flex flex-col gap-3 sm:flex-row sm:items-start sm:justify-between">
                  <div className="min-w-0">
                    <div className="flex flex-wrap items-center gap-2">
                      <h2 className="font-semibold text-slate-900">{p.name}</h2>
                      {p.enabled ? <Badge tone="green">enabled</Badge> : <Badge>disabled</Badge>}
                      {p.autoApprove ? <Badge tone="blue">automatic</Badge> : null}
                      {!p.approvalStepsValid ? <Badge tone="red">invalid steps</Badge> : null}
                      {p.pendingRequests ? <Badge tone="amber">{p.pendingRequests} pending</Badge> : null}
                    </div>
                    {p.description ? <p className="mt-1 text-sm text-slate-600">{p.description}</p> : null}
                    <dl className="mt-2 grid gap-x-4 gap-y-1 text-sm sm:grid-cols-[max-content_1fr]">
                      <dt className="text-slate-500">Scope</dt>
                      <dd className="text-slate-800">{p.integrationName ? `${p.integrationName}: ` : "All integrations: "}{scope.join(" · ")}</dd>
                      <dt className="text-slate-500">Requesters</dt>
                      <dd className="text-slate-800">{requesters || "Nobody"}</dd>
                      <dt className="text-slate-500">Controls</dt>
                      <dd className="text-slate-800">
                        up to {formatDuration(p.maxDurationMinutes)}
                        {p.requireJustification ? " · justification" : ""}
                        {p.requireTicket ? " · ticket" : ""}
                        {p.ticketPattern ? ` matching ${p.ticketPattern}` : ""}
                      </dd>
                      <dt className="text-slate-500">Approval</dt>
                      <dd className="text-slate-800">
                        {p.autoApprove
                          ? "Automatic"
                          : p.approvalStepsParsed.map((s, i) => `${i + 1}. ${s.name}: ${s.quorum} of ${names([...s.userIds, ...s.groupIds])}`).join(" → ")}
                      </dd>
                    </dl>
                  </div>
                  <PolicyRowActions id={p.id} name={p.name} enabled={p.enabled} pendingRequests={p.pendingRequests} />
                </div>
              </li>
            );
          })}
        </ul>
      )}
    </>
  );
}
