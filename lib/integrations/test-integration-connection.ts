import pLimit from "p-limit";
import { rememberKeyAccount } from "./remember-key-account.ts";
import { appendAuditEvent, type TAuditActor } from "../audit/append-audit-event.ts";
import { accountResourcesApi, ProbeFailure } from "../aws/account-resources-api.ts";
import { awsErrorInfo } from "../aws/aws-errors.ts";
import { identityCenterApi } from "../aws/identity-center-api.ts";
import { managementAccountFromArn, organizationsApi, type TOrgAccount } from "../aws/organizations-api.ts";
import { stsApi } from "../aws/sts-api.ts";
import type { TDb } from "../db/client.ts";
import { AppError, isAppError } from "../errors/app-error.ts";
import { resolveScanTarget } from "../discovery/resolve-scan-targets.ts";
import { explainAwsError, type TAwsCheckContext } from "./explain-aws-error.ts";
import { RESOURCE_TYPE_LABELS, type TResourceTypeName } from "./integration-config-schema.ts";
import { storedOptions, storedSubAccounts } from "./integration-config-view.ts";
import { integrationCredentials } from "./integration-credentials.ts";

export type TCheckStatus = "ok" | "failed" | "warning" | "skipped";

/** One line of the connection test: what was checked, and if it failed, AWS's error and the fix. */
export type TConnectionCheck = { id: string; label: string; status: TCheckStatus; detail: string; error?: string; fix?: string; accountId?: string };

export type TConnectionEvent =
  | { type: "check"; check: TConnectionCheck }
  | { type: "progress"; done: number; total: number }
  | { type: "done"; ok: boolean; summary: string };

const SUB_ACCOUNT_CONCURRENCY = 16;

/**
 * Tests a saved integration step by step and reports each result as it comes: management
 * credentials (GetCallerIdentity), the Identity Center instance and identity store, Organizations
 * access, then every sub-account's role (AssumeRole with the external id, one read per enabled
 * resource type) with bounded concurrency. Nothing is written.
 * Assumes the caller is an admin.
 */
export async function testIntegrationConnection(db: TDb, integrationId: string, emit: (e: TConnectionEvent) => void, actor: TAuditActor = "system"): Promise<{ ok: boolean }> {
  const integration = await db.integration.findUnique({ where: { id: integrationId } });
  if (!integration) throw new AppError("NOT_FOUND", { userMessage: "That integration does not exist." });
  const failures: TConnectionCheck[] = [];
  const report = (check: TConnectionCheck) => {
    if (check.status === "failed") failures.push(check);
    emit({ type: "check", check });
  };
  const failed = (id: string, label: string, ctx: TAwsCheckContext, e: unknown, extra: Partial<TConnectionCheck> = {}) => {
    // The portal's own errors reach the browser only as their safe userMessage (the internal message can
    // name keys or decryption details); "AWS said" is for AWS's words.
    const x = isAppError(e) ? { error: undefined, fix: e.userMessage } : explainAwsError(ctx, awsErrorInfo(e));
    report({ id, label, status: "failed", detail: x.fix, error: x.error, fix: x.fix, ...extra });
  };
  const finish = async () => {
    const ok = failures.length === 0;
    // Who tested what and when is worth keeping: it is how an admin proves a change was verified.
    await db.$transaction((tx) =>
      appendAuditEvent(tx, { actor, action: "integration.connection_tested", subjectType: "Integration", subjectId: integrationId, integrationId, details: { ok, failed: failures.map((f) => f.id).slice(0, 50) } }),
    );
    emit({ type: "done", ok, summary: ok ? "Every check passed." : `${failures.length} check${failures.length === 1 ? "" : "s"} failed.` });
    return { ok };
  };

  // 1. Management credentials.
  const rootCtx: TAwsCheckContext = { kind: "root-credentials", authMethod: integration.authMethod, roleArn: integration.roleArn, externalId: integration.externalId };
  let root;
  try {
    root = integrationCredentials(integration);
  } catch (e) {
    failed("root", "Management credentials", rootCtx, e);
    return await finish();
  }
  const sts = stsApi(root.credentials, root.region);
  let managementAccountId: string | null = integration.rootAccountId;
  let callerAccountId: string | null = null;
  /** The management account as Organizations names it: a configured or remembered id could just be wrong. */
  let managementFromOrganizations: string | null = null;
  try {
    const me = await sts.getCallerIdentity();
    callerAccountId = me.accountId;
    managementAccountId = managementAccountId ?? me.accountId;
    await rememberKeyAccount(db, integration, me.accountId);
    report({ id: "root", label: "Management credentials", status: "ok", detail: `Signed in as ${me.arn} (account ${me.accountId}).` });
  } catch (e) {
    failed("root", "Management credentials", rootCtx, e);
    return await finish();
  }

  // 2. Identity Center instance and identity store.
  const ic = identityCenterApi(root.credentials, root.ssoRegion);
  try {
    const instances = await ic.listInstances();
    const instance = integration.instanceArn ? instances.find((i) => i.instanceArn === integration.instanceArn) : instances[0];
    if (!instance) {
      const fix = integration.instanceArn
        ? `No Identity Center instance with that ARN in ${root.ssoRegion}. The management credentials see ${instances.map((i) => i.instanceArn).join(", ") || "no instance"}: copy the ARN from IAM Identity Center → Settings, and check the Identity Center region.`
        : `Identity Center is not enabled in ${root.ssoRegion} for this organization, or the credentials are not the management account's.`;
      report({ id: "identity-center", label: "Identity Center instance", status: "failed", detail: fix, error: `ResourceNotFound: ${integration.instanceArn ?? "(no instance)"}`, fix });
    } else {
      report({ id: "identity-center", label: "Identity Center instance", status: "ok", detail: `${instance.instanceArn} with identity store ${instance.identityStoreId}${integration.instanceArn ? "" : " (discovered: the first instance)"}.` });
      let action = "sso:ListPermissionSets";
      try {
        await ic.listPermissionSetArns(instance.instanceArn);
        action = "identitystore:ListUsers";
        const users = await ic.listUsers(integration.identityStoreId ?? instance.identityStoreId, { firstPageOnly: true });
        report({ id: "identity-store", label: "Permission sets and identity store", status: "ok", detail: `Permission sets and users are readable${users.length === 0 ? " (the identity store has no users yet)" : ""}.` });
      } catch (e) {
        failed("identity-store", "Permission sets and identity store", { kind: "management-read", action }, e);
      }
    }
  } catch (e) {
    failed("identity-center", "Identity Center instance", { kind: "management-read", action: "sso:ListInstances" }, e);
  }

  // 3. Organizations.
  const org = organizationsApi(root.credentials, root.region);
  let accounts: TOrgAccount[] = [];
  let step = "organizations:ListRoots";
  try {
    const roots = await org.listRoots();
    step = "organizations:ListOrganizationalUnitsForParent";
    for (const r of roots) await org.listOrganizationalUnitsForParent(r.id);
    step = "organizations:ListAccountsForParent";
    for (const r of roots) await org.listAccountsForParent(r.id);
    step = "organizations:ListAccounts";
    accounts = await listAllAccounts(org);
    // The account ARNs name the management account, also for a delegated administrator.
    managementFromOrganizations = managementAccountFromArn(accounts[0]?.arn);
    managementAccountId = managementFromOrganizations ?? managementAccountId;
    report({ id: "organizations", label: "AWS Organizations", status: "ok", detail: `${accounts.length} accounts readable (${accounts.filter((a) => a.state === "ACTIVE").length} active).` });
  } catch (e) {
    failed("organizations", "AWS Organizations", { kind: "management-read", action: step }, e);
  }
  if (callerAccountId && managementFromOrganizations && callerAccountId !== managementFromOrganizations) {
    // Not a failure: a supported set-up with limits the admin should know before requesters meet them.
    const sets = await db.permissionSet.count({
      where: { integrationId, deletedAt: null, portalManaged: false, accounts: { some: { deletedAt: null, account: { accountId: managementFromOrganizations } } } },
    });
    report({
      id: "delegated-admin",
      label: "Delegated administrator",
      status: "warning",
      detail:
        `These credentials are in account ${callerAccountId}, Identity Center's delegated administrator, not in the management account ${managementFromOrganizations}. ` +
        `AWS lets only the management account change access there, so the management account and every permission set provisioned to it` +
        `${sets > 0 ? ` (${sets} found by discovery)` : ""} are left out of the catalog. For such access, create separate permission sets used only in member accounts.`,
    });
  }

  // 4. Every sub-account role.
  const entries = storedSubAccounts(integration.subAccounts);
  const options = storedOptions(integration.options);
  if (entries.length === 0) {
    report({ id: "sub-accounts", label: "Sub-accounts", status: "warning", detail: "No sub_accounts entries: no resources will be discovered. Add one with account_id \"*\" to scan every account." });
    return await finish();
  }
  // Explicit entries are tested even when Organizations could not be listed.
  const known = new Map(accounts.map((a) => [a.id, a]));
  for (const e of entries) if (e.account_id !== "*" && !known.has(e.account_id)) known.set(e.account_id, { id: e.account_id, arn: "", name: e.account_id, email: null, state: "ACTIVE" });
  const targets = [...known.values()].flatMap((a) => {
    const t = resolveScanTarget({ accountId: a.id, state: a.state, isManagement: a.id === managementAccountId }, entries, { resourceTypes: options.resource_types, tags: options.tags });
    return t ? [{ account: a, target: t }] : [];
  });
  let done = 0;
  emit({ type: "progress", done, total: targets.length });
  const limit = pLimit(SUB_ACCOUNT_CONCURRENCY);
  await Promise.all(
    targets.map(({ account, target }) =>
      limit(async () => {
        const label = `${account.name} (${account.id})`;
        const id = `account-${account.id}`;
        try {
          const session = await sts.assumeRole({ roleArn: target.roleArn, externalId: target.externalId, durationSeconds: 900 });
          const api = accountResourcesApi(session, account.id, target.homeRegion ?? root.region);
          const problems: string[] = [];
          let firstError: { error: string; fix: string } | null = null;
          for (const type of target.resourceTypes) {
            try {
              await api.probe(type);
            } catch (e) {
              const failure = e instanceof ProbeFailure ? e : new ProbeFailure(probeAction(type), e);
              const x = explainAwsError({ kind: "account-read", action: failure.action, roleArn: target.roleArn }, awsErrorInfo(failure.cause));
              firstError ??= x;
              problems.push(`${RESOURCE_TYPE_LABELS[type]}: ${x.fix}`);
            }
          }
          // Without an explicit regions list, discovery first asks which regions are enabled.
          if (!target.regions && (target.resourceTypes.includes("EC2_INSTANCE") || target.resourceTypes.includes("SECRET"))) {
            try {
              await api.listEnabledRegions();
            } catch (e) {
              const x = explainAwsError({ kind: "account-read", action: "ec2:DescribeRegions", roleArn: target.roleArn }, awsErrorInfo(e));
              firstError ??= x;
              problems.push(`Enabled regions (for EC2 instances and secrets): ${x.fix}`);
            }
          }
          api.destroy();
          if (problems.length > 0) report({ id, label, accountId: account.id, status: "failed", detail: problems.join(" "), error: firstError?.error, fix: problems.join(" ") });
          else report({ id, label, accountId: account.id, status: "ok", detail: `Assumed ${target.roleArn}; ${target.resourceTypes.length === 0 ? "no resource types enabled" : `read ${target.resourceTypes.map((t) => RESOURCE_TYPE_LABELS[t]).join(", ")}`}.` });
        } catch (e) {
          failed(id, label, { kind: "assume-sub-account", roleArn: target.roleArn, accountId: account.id, externalId: target.externalId }, e, { accountId: account.id });
        } finally {
          done += 1;
          emit({ type: "progress", done, total: targets.length });
        }
      }),
    ),
  );
  if (targets.length === 0) report({ id: "sub-accounts", label: "Sub-accounts", status: "warning", detail: "No account matches the sub_accounts entries (the management account is only scanned when listed explicitly)." });
  return await finish();
}

async function listAllAccounts(org: ReturnType<typeof organizationsApi>): Promise<TOrgAccount[]> {
  // The tree walk is what discovery uses; ListAccounts here proves the permission an admin would expect.
  const first = await org.listAccountsFirstPage();
  const roots = await org.listRoots();
  const out = new Map(first.map((a) => [a.id, a]));
  const walk = async (parentId: string): Promise<void> => {
    const [accs, ous] = await Promise.all([org.listAccountsForParent(parentId), org.listOrganizationalUnitsForParent(parentId)]);
    for (const a of accs) out.set(a.id, a);
    await Promise.all(ous.map((o) => walk(o.id)));
  };
  await Promise.all(roots.map((r) => walk(r.id)));
  return [...out.values()];
}

function probeAction(type: TResourceTypeName): string {
  return { IAM_ROLE: "iam:ListRoles", IAM_POLICY: "iam:ListPolicies", S3_BUCKET: "s3:ListAllMyBuckets", EC2_INSTANCE: "ec2:DescribeInstances", SECRET: "secretsmanager:ListSecrets" }[type];
}
