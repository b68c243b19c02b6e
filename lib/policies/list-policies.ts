import "server-only";
import type { TDb } from "../db/client.ts";
import { ZApprovalSteps, ZTagConditions } from "../access/policy-schemas";

export type TPolicySummary = Awaited<ReturnType<typeof listPolicies>>[number];

/**
 * Every policy with the names of the principals, permission sets, groups and resources it references,
 * for the admin list and form (`filter.id`: just one). Assumes the caller checked the user is an admin.
 */
export async function listPolicies(db: TDb, filter: { id?: string } = {}) {
  const policies = await db.policy.findMany({
    where: filter.id ? { id: filter.id } : {},
    orderBy: { name: "asc" },
    include: { integration: { select: { name: true } } },
  });
  const principalIds = new Set<string>();
  const permissionSetIds = new Set<string>();
  const resourceIds = new Set<string>();
  for (const p of policies) {
    [...p.requesterUserIds, ...p.requesterGroupIds, ...p.groupIds].forEach((id) => principalIds.add(id));
    const steps = ZApprovalSteps.safeParse(p.approvalSteps);
    if (steps.success) steps.data.forEach((s) => [...s.userIds, ...s.groupIds].forEach((id) => principalIds.add(id)));
    p.permissionSetIds.forEach((id) => permissionSetIds.add(id));
    p.resourceIds.forEach((id) => resourceIds.add(id));
  }
  const orgUnitIds = [...new Set(policies.flatMap((p) => p.orgUnitIds))];
  const [principals, permissionSets, resources, requests, orgUnits] = await Promise.all([
    principalIds.size ? db.principal.findMany({ where: { id: { in: [...principalIds] } }, select: { id: true, displayName: true, type: true, email: true } }) : [],
    permissionSetIds.size ? db.permissionSet.findMany({ where: { id: { in: [...permissionSetIds] } }, select: { id: true, name: true } }) : [],
    resourceIds.size ? db.resource.findMany({ where: { id: { in: [...resourceIds] } }, select: { id: true, name: true, type: true } }) : [],
    db.accessRequest.groupBy({ by: ["policyId"], where: { policyId: { in: policies.map((p) => p.id) }, status: "PENDING" }, _count: { _all: true } }),
    orgUnitIds.length ? db.orgUnit.findMany({ where: { awsId: { in: orgUnitIds }, deletedAt: null }, select: { awsId: true, path: true } }) : [],
  ]);
  const ouPaths = new Map(orgUnits.map((o) => [o.awsId, o.path]));
  const names = new Map<string, string>([
    ...principals.map((p) => [p.id, p.displayName] as [string, string]),
    ...permissionSets.map((p) => [p.id, p.name] as [string, string]),
    ...resources.map((r) => [r.id, r.name] as [string, string]),
  ]);
  const pending = new Map(requests.map((r) => [r.policyId, r._count._all]));
  return policies.map((p) => {
    const steps = ZApprovalSteps.safeParse(p.approvalSteps);
    const tags = ZTagConditions.safeParse(p.tagConditions);
    return {
      ...p,
      integrationName: p.integration?.name ?? null,
      approvalStepsParsed: steps.success ? steps.data : [],
      approvalStepsValid: steps.success,
      tagConditionsParsed: tags.success ? tags.data : [],
      pendingRequests: pending.get(p.id) ?? 0,
      /** OU path per OU id ("Root/Workloads/Prod"), where discovery knows it. */
      orgUnitPaths: Object.fromEntries(p.orgUnitIds.map((id) => [id, ouPaths.get(id) ?? id])) as Record<string, string>,
      nameOf: Object.fromEntries(
        [...p.requesterUserIds, ...p.requesterGroupIds, ...p.groupIds, ...p.permissionSetIds, ...p.resourceIds, ...(steps.success ? steps.data.flatMap((s) => [...s.userIds, ...s.groupIds]) : [])].map(
          (id) => [id, names.get(id) ?? "(no longer in AWS)"],
        ),
      ) as Record<string, string>,
    };
  });
}
