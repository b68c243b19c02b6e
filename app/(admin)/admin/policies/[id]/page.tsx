import { notFound } from "next/navigation";
import { PageHeader } from "@/components/ui/page-header";
import { requireAdminPage } from "@/lib/auth/current-user";
import { getDb } from "@/lib/db/client";
import { listIntegrationNames } from "@/lib/integrations/list-integrations";
import { listPolicies } from "@/lib/policies/list-policies";
import { PolicyForm } from "../_components/policy-form";
import type { TPolicyFormValues } from "../_components/policy-form-values";

export const metadata = { title: "Edit policy" };

export default async function EditPolicyPage({ params }: { params: Promise<{ id: string }> }) {
  await requireAdminPage();
  const { id } = await params;
  const db = await getDb();
  const [[p], integrations] = await Promise.all([
    listPolicies(db, { id }),
    listIntegrationNames(db),
  ]);
  if (!p) notFound();
  // Only the accounts this policy names: an organization can have thousands.
  const accounts = await db.account.findMany({ where: { accountId: { in: p.accountIds } }, distinct: ["accountId"], select: { accountId: true, name: true } });
  const picked = (ids: string[]) => ids.map((i) => ({ id: i, label: p.nameOf[i] ?? i }));
  const ouLabel = new Map(Object.entries(p.orgUnitPaths));
  const accountLabel = new Map(accounts.map((a) => [a.accountId, `${a.name} (${a.accountId})`]));
  const initial: TPolicyFormValues = {
    id: p.id,
    updatedAt: p.updatedAt.toISOString(),
    name: p.name,
    description: p.description ?? "",
    enabled: p.enabled,
    integrationId: p.integrationId,
    accounts: p.accountIds.map((a) => ({ id: a, label: accountLabel.get(a) ?? a })),
    orgUnits: p.orgUnitIds.map((o) => ({ id: o, label: ouLabel.get(o) ?? o })),
    targetTypes: p.targetTypes,
    accessLevels: p.accessLevels,
    resources: picked(p.resourceIds),
    permissionSets: picked(p.permissionSetIds),
    groups: picked(p.groupIds),
    tagConditions: p.tagConditionsParsed.map((t) => ({ key: t.key, values: t.values.join(", ") })),
    allowEveryone: p.allowEveryone,
    requesterUsers: picked(p.requesterUserIds),
    requesterGroups: picked(p.requesterGroupIds),
    maxDurationMinutes: p.maxDurationMinutes,
    pendingTimeoutMinutes: p.pendingTimeoutMinutes,
    requireJustification: p.requireJustification,
    requireTicket: p.requireTicket,
    ticketPattern: p.ticketPattern ?? "",
    autoApprove: p.autoApprove,
    steps: p.approvalStepsParsed.map((s) => ({ name: s.name, quorum: s.quorum, users: picked(s.userIds), groups: picked(s.groupIds) })),
  };
  return (
    <>
      <PageHeader title={`Edit policy: ${p.name}`} description="Changes apply to new requests; pending requests keep the rules they were submitted under." />
      <PolicyForm initial={initial} integrations={integrations} />
    </>
  );
}
