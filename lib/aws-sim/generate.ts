import { inPartition } from "./partition";
import { populateAccount } from "./populate";
import { emptySampleOrgState, SAMPLE_ORG } from "./sample-org";
import {
  addAccount,
  addGroup,
  addMembership,
  addOu,
  addPermissionSet,
  addUser,
  applyProvisioning,
  assignmentKey,
  tagsFrom,
} from "./state";
import type { SimState } from "./types";

export interface GenerateOptions {
  accounts: number;
  resourcesPerAccount: number;
  /** top-level OUs under Root; each gets `childOusPerOu` children. Accounts go to the leaves. */
  topLevelOus?: number;
  childOusPerOu?: number;
  users?: number;
  groups?: number;
  permissionSets?: number;
}

const ENVS = ["prod", "dev", "sandbox", "security"];
const TEAMS = ["platform", "data", "payments", "search", "identity", "mobile", "ml", "security"];

/**
 * A large organization for benchmarks, using the SAMPLE_ORG management identity (same keys,
 * instance, identity store, portal role and external id) so the same client setup works.
 */
export function generateOrgState(o: GenerateOptions, now = Date.now(), homeRegion: string = SAMPLE_ORG.homeRegion): SimState {
  const S = SAMPLE_ORG;
  const state = emptySampleOrgState(homeRegion);
  const top = o.topLevelOus ?? 5;
  const children = o.childOusPerOu ?? 4;
  const leaves: { id: string; env: string }[] = [];
  for (let t = 0; t < top; t++) {
    const env = ENVS[t % ENVS.length] ?? "dev";
    const topId = `ou-jt01-t${String(t).padStart(7, "0")}`;
    addOu(state, { id: topId, name: `${env}-${t}`, parentId: S.rootId, tags: tagsFrom({ environment: env }) });
    if (children === 0) leaves.push({ id: topId, env });
    for (let c = 0; c < children; c++) {
      const id = `ou-jt01-c${String(t * 1000 + c).padStart(7, "0")}`;
      addOu(state, { id, name: `${env}-${t}-${c}`, parentId: topId, tags: [] });
      leaves.push({ id, env });
    }
  }
  if (leaves.length === 0) leaves.push({ id: S.rootId, env: "dev" });

  const accountIds: string[] = [];
  for (let i = 0; i < o.accounts; i++) {
    const id = `2${String(i + 1).padStart(11, "0")}`;
    const leaf = leaves[i % leaves.length] ?? { id: S.rootId, env: "dev" };
    const team = TEAMS[i % TEAMS.length] ?? "platform";
    addAccount(state, {
      id,
      name: `${team}-${leaf.env}-${i + 1}`,
      email: `aws+acct${i + 1}@example.com`,
      parentId: leaf.id,
      joinedAt: now,
      tags: tagsFrom({ environment: leaf.env, team }),
    });
    populateAccount(state, {
      accountId: id,
      environment: leaf.env,
      team,
      count: o.resourcesPerAccount,
      portalRoleName: S.portalRoleName,
      externalId: S.externalId,
      now,
    });
    accountIds.push(id);
  }

  const users: string[] = [S.users.riley, S.users.avery, S.users.sam, S.users.adrian];
  for (let i = 0; i < (o.users ?? 200); i++) users.push(`user${i + 1}@example.com`);
  const userIds = users.map((email) => {
    const local = email.split("@")[0] ?? email;
    return addUser(state, {
      userName: email,
      email,
      givenName: local,
      familyName: "Generated",
      displayName: `${local} Generated`,
    }).userId;
  });
  const groupIds: string[] = [];
  for (let g = 0; g < (o.groups ?? 20); g++) {
    groupIds.push(addGroup(state, { displayName: `${TEAMS[g % TEAMS.length]}-group-${g + 1}` }).groupId);
  }
  userIds.forEach((u, i) => {
    const g = groupIds[i % Math.max(1, groupIds.length)];
    if (g) addMembership(state, g, u);
  });
  const psArns: string[] = [];
  for (let p = 0; p < (o.permissionSets ?? 10); p++) {
    psArns.push(
      addPermissionSet(state, {
        name: `Generated${p + 1}`,
        description: `Generated permission set ${p + 1}`,
        managedPolicyArns: [inPartition(p % 2 === 0 ? "arn:aws:iam::aws:policy/ReadOnlyAccess" : "arn:aws:iam::aws:policy/PowerUserAccess", state.partition)],
      }, now).arn,
    );
  }
  // standing assignments for one group on every tenth account keep ListAccountAssignments non-trivial
  const limits = { rolesPerAccount: 1000, permissionSetsPerAccount: 500 };
  accountIds.forEach((id, i) => {
    if (i % 10 !== 0) return;
    const psArn = psArns[i % Math.max(1, psArns.length)];
    const groupId = groupIds[i % Math.max(1, groupIds.length)];
    const ps = psArn ? state.permissionSets.get(psArn) : undefined;
    if (!ps || !groupId) return;
    applyProvisioning(state, id, ps, limits, now);
    state.assignments.set(assignmentKey(id, ps.arn, "GROUP", groupId), {
      accountId: id,
      permissionSetArn: ps.arn,
      principalType: "GROUP",
      principalId: groupId,
    });
  });
  return state;
}
