import { randomUUID } from "node:crypto";
import pLimit from "p-limit";
import { appendAuditEvent } from "../audit/append-audit-event.ts";
import type { TAwsCredentials } from "../aws/aws-clients.ts";
import { awsErrorInfo } from "../aws/aws-errors.ts";
import { managementAccountFromArn, organizationsApi, type TOrgAccount, type TOrgUnitNode } from "../aws/organizations-api.ts";
import { stsApi } from "../aws/sts-api.ts";
import type { TDb } from "../db/client.ts";
import type { Prisma } from "../db/generated/client.ts";
import { env } from "../env.ts";
import { isAppError } from "../errors/app-error.ts";
import { RESOURCE_TYPES, type TResourceTypeName } from "../integrations/integration-config-schema.ts";
import { storedOptions, storedSubAccounts } from "../integrations/integration-config-view.ts";
import { explainAwsError, type TAwsCheckContext } from "../integrations/explain-aws-error.ts";
import { integrationCredentials } from "../integrations/integration-credentials.ts";
import { rememberKeyAccount } from "../integrations/remember-key-account.ts";
import { diffResources, type TResourceDiff, type TStoredResource } from "./diff-resources.ts";
import { accountScanPool, type TScanPoolOptions } from "./account-scan-pool.ts";
import { resolveScanTarget, type TScanTarget } from "./resolve-scan-targets.ts";
import { pruneResourcesToConfig } from "./prune-to-config.ts";
import { stableJson } from "./stable-json.ts";
import { syncIdentityCenter } from "./sync-identity-center.ts";

/** One problem of a run, shown per account in the admin's run history. */
export type TRunError = { accountId: string | null; scope: string; message: string; fix: string };

export type TRunDiscoveryOptions = {
  /** Accounts scanned at once; per-account API budgets make wide fan-out cheap. */
  accountConcurrency?: number;
  /** Worker threads for account scans (account-scan-pool.ts); default one per core, small runs stay in-process. */
  scanPool?: TScanPoolOptions;
  heartbeatMs?: number;
  /** New rows per INSERT (default 1,000); tests use a small one so that a batch holds several accounts' rows. */
  createBatch?: number;
};

export type TDiscoverySummary = { runId: string; status: "SUCCEEDED" | "PARTIAL" | "FAILED"; counts: Record<string, number>; errors: TRunError[] };

const CREATE_BATCH = 1000;

/**
 * Serialises resource writes and batches inserts across accounts (one INSERT per ~1,000 rows). A batch
 * holds several accounts' rows, so a failed INSERT is not thrown at the account whose write filled it:
 * `onFailedBatch` gets every account with rows in it, and the next batches still go.
 */
type TPendingRow = { id: string; accountId: string; type: string; arn: string; region: string | null; name: string; tags: Record<string, string>; attributes: Record<string, unknown>; searchText: string };

class ResourceWriter {
  private pending: TPendingRow[] = [];
  private now = new Date();
  private readonly lock = pLimit(1);
  readonly totals = { created: 0, updated: 0, removed: 0, unchanged: 0 };

  constructor(
    private readonly db: TDb,
    private readonly integrationId: string,
    private readonly batchSize: number,
    private readonly onFailedBatch: (accountDbIds: string[], e: unknown) => void,
  ) {}

  async write(accountDbId: string, diff: TResourceDiff, now: Date) {
    this.totals.unchanged += diff.unchanged;
    this.now = now;
    for (const c of diff.create) {
      this.pending.push({ id: randomUUID(), accountId: accountDbId, type: c.type, arn: c.arn, region: c.region, name: c.name, tags: c.tags, attributes: c.attributes, searchText: c.searchText });
    }
    if (diff.update.length > 0 || diff.remove.length > 0) {
      await this.lock(async () => {
        for (const u of diff.update) {
          const d = u.data;
          await this.db.resource.updateMany({ where: { id: u.id, accountId: accountDbId }, data: { name: d.name, region: d.region, tags: d.tags, attributes: d.attributes as Prisma.InputJsonObject, searchText: d.searchText, lastSeenAt: now, deletedAt: null } });
        }
        // Only while still this account's: a bucket re-created in another account may have moved there in this run.
        if (diff.remove.length > 0) await this.db.resource.updateMany({ where: { id: { in: diff.remove }, accountId: accountDbId, deletedAt: null }, data: { deletedAt: now } });
      });
      this.totals.updated += diff.update.length;
      this.totals.removed += diff.remove.length;
    }
    if (this.pending.length >= this.batchSize) await this.flush();
  }

  flush() {
    return this.lock(async () => {
      while (this.pending.length > 0) {
        const batch = this.pending.splice(0, this.batchSize);
        try {
          this.totals.created += await this.insert(batch);
        } catch (e) {
          this.onFailedBatch([...new Set(batch.map((r) => r.accountId))], e);
        }
      }
    });
  }

  private insert(batch: TPendingRow[]) {
    // One statement with one JSON parameter: far cheaper than createMany's 12 bound values per row.
    // An ARN stored under another account (S3 bucket names are global: deleted there, re-created
    // here) moves to the account that holds it now; the row keeps its id, so requests keep it.
    return this.db.$executeRaw`
          INSERT INTO "Resource" ("id", "integrationId", "accountId", "type", "arn", "region", "name", "tags", "attributes", "searchText", "firstSeenAt", "lastSeenAt")
          SELECT x.id, ${this.integrationId}, x."accountId", x.type::"ResourceType", x.arn, x.region, x.name, x.tags, x.attributes, x."searchText", ${this.now}, ${this.now}
          FROM jsonb_to_recordset(${JSON.stringify(batch)}::jsonb)
            AS x(id text, "accountId" text, type text, arn text, region text, name text, tags jsonb, attributes jsonb, "searchText" text)
          ON CONFLICT ("integrationId", "arn") DO UPDATE SET
            "accountId" = EXCLUDED."accountId", "region" = EXCLUDED."region", "name" = EXCLUDED."name", "tags" = EXCLUDED."tags",
            "attributes" = EXCLUDED."attributes", "searchText" = EXCLUDED."searchText", "lastSeenAt" = EXCLUDED."lastSeenAt", "deletedAt" = NULL
          WHERE "Resource"."accountId" <> EXCLUDED."accountId"`;
  }
}

/**
 * An AWS SDK error: a service's answer (ServiceException) or any failure the SDK's retry layer passed on
 * (network, timeout) carries `$metadata`. Database errors, thread crashes and bugs do not.
 */
function isAwsSdkError(e: unknown): boolean {
  return typeof e === "object" && e !== null && ("$metadata" in e || "$fault" in e);
}

const UNEXPECTED_FIX = "Try again; if it happens again, look up the reference in the portal's server log.";

/** The raw text (a database error can quote SQL and row data) goes to the server log only; the admin gets this reference to it. */
function logUnexpected(what: string, e: unknown): string {
  const reference = randomUUID().slice(0, 8);
  console.error(`${what} (reference ${reference})`, e);
  return reference;
}

/** What the admin sees: an AWS error explained (what to change in IAM), anything else only as a server-log reference. */
function explained(ctx: TAwsCheckContext, e: unknown) {
  if (isAppError(e)) return { error: e.message, fix: e.userMessage };
  if (isAwsSdkError(e)) return explainAwsError(ctx, awsErrorInfo(e));
  const reference = logUnexpected("discovery: unexpected error", e);
  return { error: `Discovery stopped here on an unexpected error, not an AWS one (reference ${reference} in the server log).`, fix: UNEXPECTED_FIX };
}

/**
 * Runs one discovery for the SyncRun `runId` (created RUNNING by startDiscovery): the OU tree and
 * accounts (walked with ListAccountsForParent: O(OUs) calls, not O(accounts)), Identity Center
 * principals and permission sets, and every scanned account's resources, with bounded concurrency.
 * Writes only what changed, soft-deletes what vanished, undeletes what came back, and records each
 * account's failure without stopping the others. Progress goes to the SyncRun as it runs.
 * Assumes the caller (admin action or scheduler) was allowed to start the run.
 */
export async function runDiscovery(db: TDb, runId: string, opts: TRunDiscoveryOptions = {}): Promise<TDiscoverySummary> {
  const run = await db.syncRun.findUniqueOrThrow({ where: { id: runId }, include: { integration: true } });
  const integration = run.integration;
  const errors: TRunError[] = [];
  const counts: Record<string, number> = {};
  const bump = (k: string, n = 1) => (counts[k] = (counts[k] ?? 0) + n);
  const progress = { accountsTotal: 0, accountsDone: 0, resourcesFound: 0 };
  let superseded = false;
  const flushProgress = async () => {
    const out = await db.syncRun.updateMany({ where: { id: runId, status: "RUNNING" }, data: { heartbeatAt: new Date(), ...progress } });
    if (out.count === 0) superseded = true;
  };
  /** Asked right before anything is removed: a run marked stale (and maybe replaced) only adds and updates. */
  const stillCurrent = async () => {
    if (!superseded) await flushProgress();
    return !superseded;
  };
  const beat = setInterval(() => void flushProgress().catch(() => undefined), opts.heartbeatMs ?? 1000);
  const cleanups: (() => void)[] = [];
  let fatal: TRunError | null = null;

  try {
    let root: { credentials: TAwsCredentials; region: string; ssoRegion: string };
    try {
      root = integrationCredentials(integration);
    } catch (e) {
      fatal = { accountId: null, scope: "credentials", ...(isAppError(e) ? { message: e.message, fix: e.userMessage } : { message: String(e), fix: "Check the integration's credentials." }) };
      throw e;
    }
    const rootCtx: TAwsCheckContext = { kind: "root-credentials", authMethod: integration.authMethod, roleArn: integration.roleArn, externalId: integration.externalId };
    const sts = stsApi(root.credentials, root.region);
    cleanups.push(() => sts.destroy());
    const org = organizationsApi(root.credentials, root.region);
    cleanups.push(() => org.destroy());

    // DescribeOrganization, else the account ARNs the walk returns, else (no account listed) our own guess.
    let managementAccountId: string | null = null;
    let fallbackManagementId: string | null = integration.rootAccountId;
    try {
      const [caller, description] = await Promise.all([sts.getCallerIdentity(), org.describeOrganization().catch(() => null)]);
      managementAccountId = description?.managementAccountId ?? null;
      fallbackManagementId ??= caller.accountId;
      await rememberKeyAccount(db, integration, caller.accountId);
    } catch (e) {
      const x = explained(rootCtx, e);
      fatal = { accountId: null, scope: "credentials", message: x.error, fix: x.fix };
      throw e;
    }

    const entries = storedSubAccounts(integration.subAccounts);
    const options = storedOptions(integration.options);
    const now = new Date();

    const [storedOus, storedAccounts] = await Promise.all([
      db.orgUnit.findMany({ where: { integrationId: integration.id } }),
      db.account.findMany({ where: { integrationId: integration.id } }),
    ]);
    const ouByAwsId = new Map(storedOus.map((o) => [o.awsId, o]));
    const accountByAwsId = new Map(storedAccounts.map((a) => [a.accountId, a]));
    const storedResources = new Map<string, TStoredResource[]>();
    for (const r of await db.resource.findMany({
      where: { integrationId: integration.id },
      select: { id: true, accountId: true, type: true, arn: true, region: true, name: true, tags: true, attributes: true, searchText: true, deletedAt: true },
    })) {
      const list = storedResources.get(r.accountId) ?? [];
      list.push(r);
      storedResources.set(r.accountId, list);
    }

    const scanner = accountScanPool(opts.scanPool ?? { threads: env.DISCOVERY_SCAN_THREADS, inlineUpTo: env.DISCOVERY_INLINE_SCANS });
    cleanups.push(() => void scanner.close());
    const accountLimit = pLimit(opts.accountConcurrency ?? 128);
    const seenOus = new Set<string>();
    const seenAccounts = new Set<string>();
    const scans: Promise<void>[] = [];
    /** Scanned cleanly; those a failed insert batch reached later are in accountErrors too and not marked synced. */
    const accountsOk: string[] = [];
    const accountErrors = new Map<string, string>();
    const accountFailed = (accountDbId: string, message: string) => {
      const before = accountErrors.get(accountDbId);
      accountErrors.set(accountDbId, before ? `${before}\n${message}` : message);
    };
    // A failed INSERT drops its batch: every account with rows in it failed (the next run adds them).
    const writer = new ResourceWriter(db, integration.id, opts.createBatch ?? CREATE_BATCH, (accountDbIds, e) => {
      const reference = logUnexpected("discovery: saving new resources failed", e);
      const message = `New resources of this account could not be saved (reference ${reference} in the server log).`;
      const fix = "The next run adds them; if this happens again, look up the reference in the portal's server log.";
      const awsIdOf = new Map([...accountByAwsId.values()].map((a) => [a.id, a.accountId]));
      for (const id of accountDbIds) {
        errors.push({ accountId: awsIdOf.get(id) ?? null, scope: "resources", message, fix });
        accountFailed(id, `${message} — ${fix}`);
      }
    });
    /** Accounts no sub_accounts entry covers any more: their resources leave the catalog. */
    const untargeted: string[] = [];
    let orgComplete = true;
    const dbLock = pLimit(1);

    const scanAccount = async (accountDbId: string, target: TScanTarget) => {
      if (superseded) return;
      const assumeCtx: TAwsCheckContext = { kind: "assume-sub-account", roleArn: target.roleArn, accountId: target.accountId, externalId: target.externalId };
      let session;
      try {
        session = await sts.assumeRole({ roleArn: target.roleArn, externalId: target.externalId });
      } catch (e) {
        const x = explained(assumeCtx, e);
        errors.push({ accountId: target.accountId, scope: "assume-role", message: x.error, fix: x.fix });
        accountFailed(accountDbId, `${x.error} — ${x.fix}`);
        progress.accountsDone += 1;
        return;
      }
      const scan = await scanner.scan(session, target, target.homeRegion ?? root.region, target.roleArn.split("/").pop() ?? null);
      // What failed to list keeps its rows: a whole type, one region of a type, or one item whose tags could not be read.
      const failedRegions = new Set(scan.failedRegions);
      const kept = new Set(scan.keptArns);
      const mayRemove = (s: TStoredResource) => !scan.failedTypes.has(s.type) && !failedRegions.has(`${s.type}|${s.region ?? ""}`) && !kept.has(s.arn);
      const diff = diffResources(scan.resources, storedResources.get(accountDbId) ?? [], mayRemove);
      if (diff.remove.length > 0 && !(await stillCurrent())) diff.remove = [];
      await writer.write(accountDbId, diff, now);
      for (const r of scan.resources) bump(r.type);
      progress.resourcesFound += scan.resources.length;
      if (scan.errors.length > 0) {
        for (const e of scan.errors) errors.push({ accountId: target.accountId, scope: `${e.type}${e.region ? ` ${e.region}` : ""}`, message: e.error, fix: e.fix });
        accountFailed(accountDbId, scan.errors.map((e) => `${e.action}${e.region ? ` (${e.region})` : ""}: ${e.error} — ${e.fix}`).join("\n"));
      } else accountsOk.push(accountDbId);
      progress.accountsDone += 1;
    };

    const onAccounts = async (accounts: TOrgAccount[], parent: { dbId: string }) => {
      const fresh: Prisma.AccountCreateManyInput[] = [];
      // Learnt from the first non-empty page's ARNs; an empty OU's page says nothing, and the fallback
      // guess only decides this page (it must not stick before a page that knows better arrives).
      if (accounts.length > 0) managementAccountId ??= managementAccountFromArn(accounts[0]!.arn);
      const management = managementAccountId ?? fallbackManagementId;
      await dbLock(async () => {
        for (const a of accounts) {
          seenAccounts.add(a.id);
          const isManagement = a.id === management;
          const s = accountByAwsId.get(a.id);
          if (!s) {
            fresh.push({ integrationId: integration.id, accountId: a.id, name: a.name, email: a.email, state: a.state, isManagement, orgUnitId: parent.dbId, lastSeenAt: now });
          } else if (s.name !== a.name || s.email !== a.email || s.state !== a.state || s.isManagement !== isManagement || s.orgUnitId !== parent.dbId || s.deletedAt) {
            accountByAwsId.set(a.id, await db.account.update({ where: { id: s.id }, data: { name: a.name, email: a.email, state: a.state, isManagement, orgUnitId: parent.dbId, lastSeenAt: now, deletedAt: null } }));
          }
        }
        if (fresh.length > 0) {
          await db.account.createMany({ data: fresh, skipDuplicates: true });
          for (const row of await db.account.findMany({ where: { integrationId: integration.id, accountId: { in: fresh.map((f) => f.accountId) } } })) accountByAwsId.set(row.accountId, row);
        }
      });
      for (const a of accounts) {
        const row = accountByAwsId.get(a.id);
        const target = resolveScanTarget({ accountId: a.id, state: a.state, isManagement: a.id === management }, entries, { resourceTypes: options.resource_types, tags: options.tags });
        if (row && !target) untargeted.push(row.id);
        if (!row || !target) continue;
        progress.accountsTotal += 1;
        scans.push(
          accountLimit(() =>
            scanAccount(row.id, target).catch((e: unknown) => {
              const x = explained({ kind: "account-read", action: "discovery", roleArn: target.roleArn }, e);
              errors.push({ accountId: target.accountId, scope: "account", message: x.error, fix: x.fix });
              accountFailed(row.id, `${x.error} — ${x.fix}`);
              progress.accountsDone += 1;
            }),
          ),
        );
      }
    };

    const upsertOu = (node: TOrgUnitNode, parent: { dbId: string; path: string; idPath: string } | null) =>
      dbLock(async () => {
        seenOus.add(node.id);
        const path = parent ? `${parent.path}/${node.name}` : node.name;
        const idPath = parent ? `${parent.idPath}/${node.id}` : node.id;
        const s = ouByAwsId.get(node.id);
        const parentId = parent?.dbId ?? null;
        if (!s) {
          const row = await db.orgUnit.create({ data: { integrationId: integration.id, awsId: node.id, name: node.name, parentId, path, idPath, lastSeenAt: now } });
          ouByAwsId.set(node.id, row);
          return { dbId: row.id, path, idPath, awsId: node.id };
        }
        if (s.name !== node.name || s.parentId !== parentId || s.path !== path || s.idPath !== idPath || s.deletedAt) {
          ouByAwsId.set(node.id, await db.orgUnit.update({ where: { id: s.id }, data: { name: node.name, parentId, path, idPath, lastSeenAt: now, deletedAt: null } }));
        }
        return { dbId: s.id, path, idPath, awsId: node.id };
      });

    const visit = async (parent: { dbId: string; path: string; idPath: string; awsId: string }): Promise<void> => {
      await Promise.all([
        org
          .listAccountsForParent(parent.awsId)
          .then((accounts) => onAccounts(accounts, parent))
          .catch((e: unknown) => {
            orgComplete = false;
            const x = explained({ kind: "management-read", action: "organizations:ListAccountsForParent" }, e);
            errors.push({ accountId: null, scope: `organizations ${parent.path}`, message: x.error, fix: x.fix });
          }),
        org
          .listOrganizationalUnitsForParent(parent.awsId)
          .then(async (ous) => {
            const children = [];
            for (const ou of ous) children.push(await upsertOu(ou, parent));
            await Promise.all(children.map(visit));
          })
          .catch((e: unknown) => {
            orgComplete = false;
            const x = explained({ kind: "management-read", action: "organizations:ListOrganizationalUnitsForParent" }, e);
            errors.push({ accountId: null, scope: `organizations ${parent.path}`, message: x.error, fix: x.fix });
          }),
      ]);
    };

    const orgWalk = (async () => {
      try {
        const roots = await org.listRoots();
        for (const r of roots) await visit(await upsertOu({ id: r.id, name: "Root" }, null));
      } catch (e) {
        orgComplete = false;
        const x = explained({ kind: "management-read", action: "organizations:ListRoots" }, e);
        errors.push({ accountId: null, scope: "organizations", message: x.error, fix: x.fix });
      }
    })();

    const icSync = syncIdentityCenter(db, integration, root.credentials, root.ssoRegion, {
      now,
      accountsReady: orgWalk.then(() => new Map([...accountByAwsId].filter(([id]) => seenAccounts.has(id)).map(([id, row]) => [id, row.id]))),
      onError: (scope, message, fix) => errors.push({ accountId: null, scope, message, fix }),
      bump,
      stillCurrent,
    });

    await orgWalk;
    // Scans are queued while the walk runs; wait for every one (including ones queued late).
    for (let i = 0; i < scans.length; i++) await scans[i];
    await writer.flush();
    await icSync;

    // Accounts scanned and saved cleanly: one statement; failures: one row each with its own message.
    const synced = accountsOk.filter((id) => !accountErrors.has(id));
    for (let i = 0; i < synced.length; i += 1000) {
      await db.account.updateMany({ where: { id: { in: synced.slice(i, i + 1000) } }, data: { lastSyncedAt: now, lastSyncError: null } });
    }
    for (const [id, message] of accountErrors) await db.account.update({ where: { id }, data: { lastSyncError: message.slice(0, 4000) } });

    const current = await stillCurrent();
    if (!current) errors.push({ accountId: null, scope: "run", message: "This run was marked stale and may have been replaced by a newer one.", fix: "Nothing was removed by this run; the newest run's results stand." });
    if (current && untargeted.length > 0) {
      const out = await db.resource.updateMany({ where: { accountId: { in: untargeted }, deletedAt: null }, data: { deletedAt: now } });
      bump("resourcesRemoved", out.count);
    }
    if (current && orgComplete) {
      const goneAccounts = [...accountByAwsId.values()].filter((a) => !seenAccounts.has(a.accountId) && !a.deletedAt).map((a) => a.id);
      if (goneAccounts.length > 0) {
        await db.account.updateMany({ where: { id: { in: goneAccounts } }, data: { deletedAt: now } });
        await db.resource.updateMany({ where: { accountId: { in: goneAccounts }, deletedAt: null }, data: { deletedAt: now } });
      }
      const goneOus = [...ouByAwsId.values()].filter((o) => !seenOus.has(o.awsId) && !o.deletedAt).map((o) => o.id);
      if (goneOus.length > 0) await db.orgUnit.updateMany({ where: { id: { in: goneOus } }, data: { deletedAt: now } });
      bump("accountsRemoved", goneAccounts.length);
    }
    // A config saved while this run used the old one: what the run re-added but the new one excludes goes again.
    const latest = await db.integration.findUnique({ where: { id: integration.id }, select: { subAccounts: true, options: true } });
    if (current && latest && (stableJson(latest.subAccounts) !== stableJson(integration.subAccounts) || stableJson(latest.options) !== stableJson(integration.options))) {
      bump("resourcesRemoved", await pruneResourcesToConfig(db, integration.id, now));
    }
    bump("accounts", seenAccounts.size);
    bump("orgUnits", seenOus.size);
    bump("accountsScanned", progress.accountsTotal);
    bump("accountsFailed", accountErrors.size);
    for (const [k, v] of Object.entries(writer.totals)) bump(`resources${k[0]!.toUpperCase()}${k.slice(1)}`, v);
    for (const t of RESOURCE_TYPES) counts[t] ??= 0;
    if (!orgComplete && seenAccounts.size === 0) fatal = errors.find((e) => e.scope.startsWith("organizations")) ?? null;
  } catch (e) {
    if (!fatal) {
      const reference = logUnexpected("discovery run failed", e);
      fatal = { accountId: null, scope: "run", message: `The run stopped on an unexpected error (reference ${reference} in the server log).`, fix: UNEXPECTED_FIX };
    }
  } finally {
    clearInterval(beat);
    for (const c of cleanups) c();
  }

  if (fatal && !errors.includes(fatal)) errors.unshift(fatal);
  const status = fatal ? "FAILED" : errors.length > 0 ? "PARTIAL" : "SUCCEEDED";
  const finishedAt = new Date();
  await db.$transaction(async (tx) => {
    const done = await tx.syncRun.updateMany({
      where: { id: runId, status: "RUNNING" },
      data: { status, finishedAt, heartbeatAt: finishedAt, ...progress, counts, errors: errors.slice(0, 1000) as unknown as Prisma.InputJsonArray },
    });
    if (done.count === 0) return; // superseded by a newer run: its outcome stands
    if (status !== "FAILED") await tx.integration.update({ where: { id: integration.id }, data: { lastSyncAt: finishedAt } });
    await appendAuditEvent(tx, {
      actor: "system",
      action: "discovery.run_finished",
      subjectType: "SyncRun",
      subjectId: runId,
      integrationId: integration.id,
      details: { status, trigger: run.trigger, counts: JSON.parse(stableJson(counts)) as Record<string, number>, errors: errors.length },
    });
  });
  return { runId, status, counts, errors };
}

export type { TResourceTypeName };
