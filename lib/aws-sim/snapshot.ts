import { roleArn } from "./state";
import type { SimState } from "./types";

/** JSON view of the whole state for /_sim/state; `summary` replaces per-account resources by counts. */
export function snapshotState(st: SimState, summary = false) {
  const resources: Record<string, unknown> = {};
  for (const [accountId, r] of st.resources) {
    resources[accountId] = summary
      ? { roles: r.roles.size, policies: r.policies.size, buckets: r.buckets.size, instances: r.instances.length, secrets: r.secrets.length }
      : {
          roles: [...r.roles.values()].map((x) => ({ ...x, arn: roleArn(st, accountId, x) })),
          policies: [...r.policies.values()],
          buckets: [...r.buckets.values()],
          instances: r.instances,
          secrets: r.secrets,
        };
  }
  return {
    organizationId: st.organizationId,
    managementAccountId: st.managementAccountId,
    rootId: st.rootId,
    instanceArn: st.instanceArn,
    identityStoreId: st.identityStoreId,
    homeRegion: st.homeRegion,
    partition: st.partition,
    regions: st.regions,
    accounts: [...st.accounts.values()],
    organizationalUnits: [...st.ous.values()],
    users: [...st.users.values()],
    groups: [...st.groups.values()],
    memberships: [...st.memberships.values()],
    permissionSets: [...st.permissionSets.values()],
    assignments: [...st.assignments.values()],
    provisioned: [...st.provisioned.values()],
    operations: [...st.asyncOps.values()].map(({ injectedFailure: _ignored, ...op }) => op),
    resources,
    sessions: [...st.credentials.values()].filter((c) => c.assumed).length,
    delegatedAdministrators: [...st.delegatedAdministrators].map((key) => ({ servicePrincipal: key.split("|")[0], accountId: key.split("|")[1] })),
  };
}
