import pLimit from "p-limit";
import { appendAuditEvent } from "../audit/append-audit-event.ts";
import type { TAwsCredentials } from "../aws/aws-clients.ts";
import { awsErrorInfo } from "../aws/aws-errors.ts";
import { identityCenterApi, type TIdentityGroup, type TIdentityUser } from "../aws/identity-center-api.ts";
import type { TDb } from "../db/client.ts";
import { explainAwsError } from "../integrations/explain-aws-error.ts";
import { looksLikeTempPermissionSetName, MANAGED_BY_TAG } from "../provisioning/temp-permission-set.ts";
import { stableJson } from "./stable-json.ts";

/** Tag the portal puts on the permission sets it creates (DESIGN.md §3). */
type TIntegrationRow = { id: string; instanceArn: string | null; identityStoreId: string | null; tempPermissionSetPrefix: string };

type TSyncContext = {
  now: Date;
  /** AWS account id → Account.id of every account the organization walk saw. */
  accountsReady: Promise<Map<string, string>>;
  onError: (scope: string, message: string, fix: string) => void;
  bump: (key: string, n?: number) => void;
  /** False once a newer run has taken over: a superseded run must not remove what the newer one sees. */
  stillCurrent: () => Promise<boolean>;
};

/**
 * Syncs the Identity Center side of an integration: the instance and identity store (discovered
 * with ListInstances when not configured), users, groups and direct memberships, permission sets
 * and the accounts each is provisioned to (ListAccountsForProvisionedPermissionSet: O(sets), not
 * O(accounts)). Errors are reported through `onError`, never thrown.
 * Assumes the caller is a discovery run the admin or scheduler started.
 */
export async function syncIdentityCenter(db: TDb, integration: TIntegrationRow, credentials: TAwsCredentials, region: string, ctx: TSyncContext): Promise<void> {
  const ic = identityCenterApi(credentials, region);
  const fail = (scope: string, action: string, e: unknown) => {
    const x = explainAwsError({ kind: "management-read", action }, awsErrorInfo(e));
    ctx.onError(scope, x.error, x.fix);
  };
  try {
    let instanceArn = integration.instanceArn;
    let identityStoreId = integration.identityStoreId;
    if (!instanceArn || !identityStoreId) {
      let instances;
      try {
        instances = await ic.listInstances();
      } catch (e) {
        fail("identity-center", "sso:ListInstances", e);
        return;
      }
      const found = instanceArn ? instances.find((i) => i.instanceArn === instanceArn) : instances[0];
      if (!found) {
        ctx.onError(
          "identity-center",
          instanceArn ? `No instance ${instanceArn} among ${instances.map((i) => i.instanceArn).join(", ") || "none"}` : "ListInstances returned no instance",
          instanceArn ? "No Identity Center instance with that ARN: copy the ARN from IAM Identity Center → Settings in the management account." : "Identity Center is not enabled in this organization (or in the configured Identity Center region).",
        );
        return;
      }
      instanceArn = found.instanceArn;
      identityStoreId = found.identityStoreId;
      await db.$transaction(async (tx) => {
        await tx.integration.update({ where: { id: integration.id }, data: { instanceArn, identityStoreId } });
        await appendAuditEvent(tx, { actor: "system", action: "integration.instance_discovered", subjectType: "Integration", subjectId: integration.id, integrationId: integration.id, details: { instanceArn, identityStoreId } });
      });
    }
    await Promise.all([syncPrincipals(db, integration.id, ic, identityStoreId, ctx, fail), syncPermissionSets(db, integration, ic, instanceArn, ctx, fail)]);
  } finally {
    ic.destroy();
  }
}

type TIc = ReturnType<typeof identityCenterApi>;
type TFail = (scope: string, action: string, e: unknown) => void;

async function syncPrincipals(db: TDb, integrationId: string, ic: TIc, identityStoreId: string, ctx: TSyncContext, fail: TFail) {
  // The listing is a snapshot from here on; the worker may add or remove a portal-granted membership meanwhile.
  const listedAt = new Date();
  let users: TIdentityUser[];
  let groups: TIdentityGroup[];
  try {
    [users, groups] = await Promise.all([ic.listUsers(identityStoreId), ic.listGroups(identityStoreId)]);
  } catch (e) {
    fail("identity-store", "identitystore:ListUsers / identitystore:ListGroups", e);
    return;
  }
  const limit = pLimit(5);
  let membershipsComplete = true;
  const memberships = await Promise.all(
    groups.map((g) =>
      limit(() =>
        ic.listGroupMemberships(identityStoreId, g.groupId).catch((e: unknown) => {
          membershipsComplete = false;
          fail(`identity-store group ${g.displayName}`, "identitystore:ListGroupMemberships", e);
          return null;
        }),
      ),
    ),
  );
  const { now } = ctx;
  const stored = await db.principal.findMany({ where: { integrationId, type: { in: ["USER", "GROUP"] } } });
  const byKey = new Map(stored.map((p) => [`${p.type}|${p.awsId}`, p]));
  const wanted = [
    ...users.map((u) => ({ type: "USER" as const, awsId: u.userId, userName: u.userName || null, displayName: u.displayName || u.userName, email: u.email?.toLowerCase() ?? null, description: null })),
    ...groups.map((g) => ({ type: "GROUP" as const, awsId: g.groupId, userName: null, displayName: g.displayName, email: null, description: g.description })),
  ];
  const fresh = [];
  for (const w of wanted) {
    const s = byKey.get(`${w.type}|${w.awsId}`);
    if (!s) fresh.push({ integrationId, ...w, lastSeenAt: now });
    else if (s.userName !== w.userName || s.displayName !== w.displayName || s.email !== w.email || s.description !== w.description || s.deletedAt) {
      await db.principal.update({ where: { id: s.id }, data: { ...w, lastSeenAt: now, deletedAt: null } });
    }
  }
  if (fresh.length > 0) await db.principal.createMany({ data: fresh, skipDuplicates: true });
  const seen = new Set(wanted.map((w) => `${w.type}|${w.awsId}`));
  const gone = stored.filter((p) => !p.deletedAt && !seen.has(`${p.type}|${p.awsId}`)).map((p) => p.id);
  if (gone.length > 0 && (await ctx.stillCurrent())) await db.principal.updateMany({ where: { id: { in: gone } }, data: { deletedAt: now } });

  const ids = new Map((await db.principal.findMany({ where: { integrationId, type: { in: ["USER", "GROUP"] } }, select: { id: true, type: true, awsId: true } })).map((p) => [`${p.type}|${p.awsId}`, p.id]));
  const desired = new Map<string, { groupId: string; memberId: string; membershipId: string | null }>();
  groups.forEach((g, i) => {
    const groupId = ids.get(`GROUP|${g.groupId}`);
    for (const m of memberships[i] ?? []) {
      const memberId = ids.get(`USER|${m.userId}`);
      if (groupId && memberId) desired.set(`${groupId}|${memberId}`, { groupId, memberId, membershipId: m.membershipId });
    }
  });
  const existing = await db.principalMembership.findMany({ where: { group: { integrationId } } });
  // Pairs the worker changed since the listing began keep the worker's copy (mirrorMembership): re-creating a
  // membership whose grant just ended would make its holder a standing member, an approver for the group,
  // until the next run; deleting one it just added would drop a live grant's rights.
  const touched = await workerTouchedPairs(db, integrationId, listedAt, ids);
  const existingByKey = new Map(existing.map((m) => [`${m.groupId}|${m.memberId}`, m]));
  const toCreate = [...desired.entries()].filter(([k]) => !existingByKey.has(k) && !touched.has(k)).map(([, v]) => ({ ...v, lastSeenAt: now }));
  if (toCreate.length > 0) await db.principalMembership.createMany({ data: toCreate, skipDuplicates: true });
  for (const [k, v] of desired) {
    const e = existingByKey.get(k);
    if (e && !touched.has(k) && e.membershipId !== v.membershipId) await db.principalMembership.update({ where: { id: e.id }, data: { membershipId: v.membershipId, lastSeenAt: now } });
  }
  // Memberships have no history of their own: a vanished one is deleted (only when every group listed).
  if (membershipsComplete) {
    const vanished = existing.filter((m) => !desired.has(`${m.groupId}|${m.memberId}`) && !touched.has(`${m.groupId}|${m.memberId}`) && m.lastSeenAt < listedAt).map((m) => m.id);
    if (vanished.length > 0 && (await ctx.stillCurrent())) await db.principalMembership.deleteMany({ where: { id: { in: vanished } } });
  }
  ctx.bump("users", users.length);
  ctx.bump("groups", groups.length);
  ctx.bump("memberships", desired.size);
}

/** `${groupRowId}|${memberRowId}` of every group membership grant the worker has changed since `since`. */
async function workerTouchedPairs(db: TDb, integrationId: string, since: Date, ids: Map<string, string>): Promise<Set<string>> {
  const grants = await db.grant.findMany({ where: { integrationId, kind: "GROUP_MEMBERSHIP", updatedAt: { gte: since } }, select: { principalId: true, groupAwsId: true } });
  const out = new Set<string>();
  for (const g of grants) {
    const groupId = ids.get(`GROUP|${g.groupAwsId}`);
    const memberId = ids.get(`USER|${g.principalId}`);
    if (groupId && memberId) out.add(`${groupId}|${memberId}`);
  }
  return out;
}

async function syncPermissionSets(db: TDb, integration: TIntegrationRow, ic: TIc, instanceArn: string, ctx: TSyncContext, fail: TFail) {
  let arns: string[];
  try {
    arns = await ic.listPermissionSetArns(instanceArn);
  } catch (e) {
    fail("identity-center", "sso:ListPermissionSets", e);
    return;
  }
  const limit = pLimit(8);
  let complete = true;
  const details = (
    await Promise.all(
      arns.map((arn) =>
        limit(async () => {
          try {
            const [info, tags, accountIds] = await Promise.all([ic.describePermissionSet(instanceArn, arn), ic.listPermissionSetTags(instanceArn, arn), ic.listAccountsForProvisionedPermissionSet(instanceArn, arn)]);
            return { info, tags, accountIds };
          } catch (e) {
            complete = false;
            fail(`permission set ${arn.split("/").pop()}`, "sso:DescribePermissionSet / sso:ListTagsForResource / sso:ListAccountsForProvisionedPermissionSet", e);
            return null;
          }
        }),
      ),
    )
  ).filter((d) => d !== null);
  const { now } = ctx;
  const stored = await db.permissionSet.findMany({ where: { integrationId: integration.id } });
  const byArn = new Map(stored.map((p) => [p.arn, p]));
  const fresh = [];
  for (const { info, tags } of details) {
    // Our temporary sets: tagged by the worker, or named as it names them (a set whose tagging failed);
    // a hand-made "jit-readonly" is an ordinary, requestable set.
    const portalManaged = tags[MANAGED_BY_TAG.key] === MANAGED_BY_TAG.value || looksLikeTempPermissionSetName(info.name, integration.tempPermissionSetPrefix);
    const data = { name: info.name, description: info.description, sessionDuration: info.sessionDuration, tags, portalManaged };
    const s = byArn.get(info.arn);
    if (!s) fresh.push({ integrationId: integration.id, arn: info.arn, ...data, lastSeenAt: now });
    else if (s.name !== data.name || s.description !== data.description || s.sessionDuration !== data.sessionDuration || s.portalManaged !== portalManaged || stableJson(s.tags) !== stableJson(tags) || s.deletedAt) {
      await db.permissionSet.update({ where: { id: s.id }, data: { ...data, lastSeenAt: now, deletedAt: null } });
    }
  }
  if (fresh.length > 0) await db.permissionSet.createMany({ data: fresh, skipDuplicates: true });
  const seen = new Set(arns);
  if (complete) {
    const gone = stored.filter((p) => !p.deletedAt && !seen.has(p.arn)).map((p) => p.id);
    if (gone.length > 0 && (await ctx.stillCurrent())) await db.permissionSet.updateMany({ where: { id: { in: gone } }, data: { deletedAt: now } });
  }
  ctx.bump("permissionSets", arns.length);

  // Where each set is provisioned needs the accounts' rows: wait for the organization walk.
  const accounts = await ctx.accountsReady;
  const psIds = new Map((await db.permissionSet.findMany({ where: { integrationId: integration.id }, select: { id: true, arn: true } })).map((p) => [p.arn, p.id]));
  const desired = new Map<string, { permissionSetId: string; accountId: string }>();
  for (const { info, accountIds } of details) {
    const permissionSetId = psIds.get(info.arn);
    if (!permissionSetId) continue;
    for (const a of accountIds) {
      const accountId = accounts.get(a);
      if (accountId) desired.set(`${permissionSetId}|${accountId}`, { permissionSetId, accountId });
    }
  }
  const listed = new Set(details.map((d) => psIds.get(d.info.arn)));
  const existing = await db.permissionSetAccount.findMany({ where: { permissionSet: { integrationId: integration.id } } });
  const existingByKey = new Map(existing.map((e) => [`${e.permissionSetId}|${e.accountId}`, e]));
  const toCreate = [...desired.entries()].filter(([k]) => !existingByKey.has(k)).map(([, v]) => ({ ...v, lastSeenAt: now }));
  if (toCreate.length > 0) await db.permissionSetAccount.createMany({ data: toCreate, skipDuplicates: true });
  for (const [k, v] of desired) {
    if (existingByKey.get(k)?.deletedAt) await db.permissionSetAccount.update({ where: { permissionSetId_accountId: v }, data: { deletedAt: null, lastSeenAt: now } });
  }
  // Only sets whose account list was read this run can lose accounts, and only accounts the organization
  // walk saw this run: an OU whose listing failed must not unlink (and hide) its permission sets.
  const seenAccountRows = new Set(accounts.values());
  const current = await ctx.stillCurrent();
  for (const e of existing) {
    if (!current) break;
    if (!e.deletedAt && listed.has(e.permissionSetId) && seenAccountRows.has(e.accountId) && !desired.has(`${e.permissionSetId}|${e.accountId}`)) {
      await db.permissionSetAccount.update({ where: { permissionSetId_accountId: { permissionSetId: e.permissionSetId, accountId: e.accountId } }, data: { deletedAt: now } });
    }
  }
  ctx.bump("permissionSetAccounts", desired.size);
}
