import { setTimeout as sleep } from "node:timers/promises";
import { appendAuditEvent, type TAuditActor } from "../audit/append-audit-event.ts";
import { awsErrorInfo } from "../aws/aws-errors.ts";
import {
  deleteAccountAssignment,
  deletePermissionSet,
  describeAssignmentDeletion,
  describePermissionSet,
  hasUserAssignment,
  isAssignmentNotFound,
  listAccountAssignments,
  listAccountsForPermissionSet,
  listPermissionSetArns,
  listPermissionSetTags,
  type TAssignmentRef,
  type TIdentityCenter,
} from "../aws/identity-center-ops.ts";
import { findGroupMembershipId } from "../aws/identity-store-ops.ts";
import type { TDb } from "../db/client.ts";
import type { ReconcileRun } from "../db/generated/client.ts";
import { integrationAws, type TIntegrationAwsResolver } from "./integration-aws.ts";
import { acquireAccount, acquireAssignmentSlot } from "./provisioning-limits.ts";
import { INTEGRATION_TAG_KEY, looksLikeTempPermissionSetName, MANAGED_BY_TAG } from "./temp-permission-set.ts";

export type TReconcileFinding = {
  kind: "ORPHAN_TEMP_PERMISSION_SET" | "MISSING_ASSIGNMENT" | "MISSING_MEMBERSHIP" | "LEFTOVER_ASSIGNMENT" | "LEFTOVER_MEMBERSHIP" | "INCOMPLETE" | "ERROR";
  awsAccountId: string | null;
  permissionSetArn: string | null;
  principalId: string | null;
  /** Group grants: the Identity Center group (their findings have no permission set). */
  groupAwsId?: string | null;
  grantId?: string | null;
  action: "REMOVED" | "REPROVISIONED" | "REPORTED" | "FAILED";
  detail: string;
};

const LIVE_FOR_RECONCILE = ["APPROVED", "PROVISIONING", "ACTIVE", "REVOKING"];
const LEFTOVER_WINDOW_MS = 30 * 24 * 3_600_000;


async function removeAssignmentAndWait(ic: TIdentityCenter, a: TAssignmentRef, runDeadline = Infinity): Promise<void> {
  const releaseAccount = await acquireAccount(a.accountId);
  const releaseSlot = await acquireAssignmentSlot();
  try {
    let status = await deleteAccountAssignment(ic, a);
    const deadline = Math.min(Date.now() + 60_000, runDeadline);
    while (status.status === "IN_PROGRESS" && Date.now() < deadline) {
      await sleep(250);
      status = await describeAssignmentDeletion(ic, status.requestId);
    }
    if (status.status === "FAILED" && !isAssignmentNotFound(status.failureReason)) throw new Error(`deletion ${status.requestId} FAILED: ${status.failureReason ?? "unknown"}`);
    if (status.status === "IN_PROGRESS") throw new Error(`deletion ${status.requestId} still in progress; the next run finishes the removal`);
  } finally {
    releaseSlot();
    releaseAccount();
  }
}

/**
 * Compares one integration's Identity Center with the database and records a ReconcileRun:
 * - temporary permission sets (managed-by tag, or our prefix + generated name) whose grant is not
 *   live are removed (their assignments first, then the set, which deletes its roles; one audit event
 *   each) when they were made for this integration or a grant it knows; others are reported only;
 * - an ACTIVE grant whose assignment or membership vanished goes back to PROVISIONING;
 * - assignments/memberships the portal once created for a grant that has ended, and that still exist,
 *   are reported, never removed: they may have become standing access since.
 * Access the portal did not create is never touched. In that order: the scan of every permission set
 * (for orphans) is last and the only long part, bounded by `deadline` and resumable (resumeAfterArn).
 * Assumes an admin (on-demand) or the worker (schedule) triggered it.
 */
export async function reconcileIntegration(
  db: TDb,
  integrationId: string,
  options: {
    trigger?: string;
    actor?: TAuditActor;
    resolveAws?: TIntegrationAwsResolver;
    run?: ReconcileRun;
    /** Epoch ms: the permission-set scan stops here and records where the next run continues. */
    deadline?: number;
    /** Continue the scan of an earlier run that reached its deadline after this ARN. */
    resumeAfterArn?: string | null;
  } = {},
): Promise<ReconcileRun> {
  const deadline = options.deadline;
  const pastDeadline = () => deadline !== undefined && Date.now() >= deadline;
  const resumeAfter = options.resumeAfterArn ?? null;
  const resuming = resumeAfter !== null;
  let stoppedAfter: string | null = null;
  const integration = await db.integration.findUniqueOrThrow({ where: { id: integrationId } });
  const run = options.run ?? (await db.reconcileRun.create({ data: { integrationId, trigger: options.trigger ?? "MANUAL" } }));
  const findings: TReconcileFinding[] = [];
  let errors = 0;
  const note = (f: TReconcileFinding) => {
    findings.push(f);
    if (f.action === "FAILED") errors += 1;
  };
  try {
    const { ic, store } = (options.resolveAws ?? integrationAws)(integration);

    // 1. Live grants whose access vanished in AWS (first: what users are missing now). Steps 1 and 2 run
    // on a fresh run only; a continuation goes straight back to the scan where the last run stopped.
    const now = new Date();
    const active = resuming ? [] : await db.grant.findMany({ where: { integrationId, state: "ACTIVE", expiresAt: { gt: now } } });
    for (const g of active) {
      if (pastDeadline()) {
        note({ kind: "INCOMPLETE", awsAccountId: null, permissionSetArn: null, principalId: null, action: "REPORTED", detail: "Reached its time budget while checking live grants' access; the rest are checked by the next scheduled run." });
        break;
      }
      if (!g.principalId) continue;
      try {
        let present: boolean;
        if (g.kind === "GROUP_MEMBERSHIP") present = !!g.groupAwsId && !!(await findGroupMembershipId(store, g.groupAwsId, g.principalId));
        else if (g.awsAccountId && g.permissionSetArn) present = await hasUserAssignment(ic, { accountId: g.awsAccountId, permissionSetArn: g.permissionSetArn, principalId: g.principalId });
        else continue;
        if (present) continue;
        // Standing access (preExisting) seen missing once goes back through the check step, which reads AWS again
        // and makes the ownership decision the normal way: one negative read must never turn access the user held
        // before the grant into access the portal removes at expiry. Until that check, preExisting stays true.
        const step = g.preExisting
          ? g.kind === "GROUP_MEMBERSHIP"
            ? "CHECK_MEMBERSHIP"
            : "CHECK_EXISTING"
          : g.kind === "GROUP_MEMBERSHIP"
            ? "ADD_MEMBERSHIP"
            : g.kind === "TEMP_PERMISSION_SET"
              ? "CREATE_PERMISSION_SET"
              : "ASSIGN";
        const moved = await db.$transaction(async (tx) => {
          const r = await tx.grant.updateMany({
            where: { id: g.id, state: "ACTIVE", OR: [{ lockedUntil: null }, { lockedUntil: { lt: new Date() } }] },
            // activatedAt cleared: until it is active again, a revoke must let the new creation settle before deleting.
            data: { state: "PROVISIONING", step, membershipId: null, assignmentRequestId: null, activatedAt: null, attempts: 0, nextRunAt: new Date(), lastError: "Reconcile: the access vanished in AWS; re-provisioning." },
          });
          if (r.count !== 1) return false;
          await appendAuditEvent(tx, { actor: options.actor ?? "system", action: "grant.reprovisioning", subjectType: "Grant", subjectId: g.id, integrationId, awsAccountId: g.awsAccountId, details: { reconcileRunId: run.id, wasPreExisting: g.preExisting } });
          return true;
        });
        if (moved) {
          note({
            kind: g.kind === "GROUP_MEMBERSHIP" ? "MISSING_MEMBERSHIP" : "MISSING_ASSIGNMENT",
            awsAccountId: g.awsAccountId,
            permissionSetArn: g.permissionSetArn,
            principalId: g.principalId,
            groupAwsId: g.groupAwsId,
            grantId: g.id,
            action: "REPROVISIONED",
            detail: "The grant is live but its access was missing in AWS; it is being set up again.",
          });
        }
      } catch (e) {
        const info = awsErrorInfo(e);
        note({ kind: "ERROR", awsAccountId: g.awsAccountId, permissionSetArn: g.permissionSetArn, principalId: g.principalId, groupAwsId: g.groupAwsId, grantId: g.id, action: "FAILED", detail: `${info.name}: ${info.message}`.slice(0, 500) });
      }
    }

    // 2. Access the portal created for grants that have ended, still present: report only.
    const ended = resuming || pastDeadline() ? [] : await db.grant.findMany({
      where: { integrationId, state: { in: ["EXPIRED", "REVOKED"] }, preExisting: false, activatedAt: { not: null }, kind: { in: ["PERMISSION_SET_ASSIGNMENT", "GROUP_MEMBERSHIP"] }, endedAt: { gt: new Date(now.getTime() - LEFTOVER_WINDOW_MS) } },
      orderBy: { endedAt: "desc" },
    });
    const seen = new Set<string>();
    for (const g of ended) {
      if (pastDeadline()) {
        note({ kind: "INCOMPLETE", awsAccountId: null, permissionSetArn: null, principalId: null, action: "REPORTED", detail: "Reached its time budget while checking ended grants for leftover access; the rest are checked by the next scheduled run." });
        break;
      }
      if (!g.principalId) continue;
      const key = `${g.userId}|${g.kind}|${g.awsAccountId}|${g.permissionSetArn}|${g.groupAwsId}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const live = await db.grant.findFirst({
        where: { userId: g.userId, kind: g.kind, state: { in: ["APPROVED", "PROVISIONING", "ACTIVE", "REVOKING"] }, ...(g.kind === "GROUP_MEMBERSHIP" ? { groupAwsId: g.groupAwsId } : { awsAccountId: g.awsAccountId, permissionSetArn: g.permissionSetArn }) },
        select: { id: true },
      });
      if (live) continue;
      try {
        const present =
          g.kind === "GROUP_MEMBERSHIP"
            ? !!g.groupAwsId && !!(await findGroupMembershipId(store, g.groupAwsId, g.principalId))
            : !!g.awsAccountId && !!g.permissionSetArn && (await hasUserAssignment(ic, { accountId: g.awsAccountId, permissionSetArn: g.permissionSetArn, principalId: g.principalId }));
        if (!present) continue;
        note({
          kind: g.kind === "GROUP_MEMBERSHIP" ? "LEFTOVER_MEMBERSHIP" : "LEFTOVER_ASSIGNMENT",
          awsAccountId: g.awsAccountId,
          permissionSetArn: g.permissionSetArn,
          principalId: g.principalId,
          groupAwsId: g.groupAwsId,
          grantId: g.id,
          action: "REPORTED",
          detail: `Still present after grant ${g.id} ended (${g.state}); not removed automatically because it may have become standing access since. Remove it in IAM Identity Center if it should not exist.`,
        });
      } catch (e) {
        const info = awsErrorInfo(e);
        note({ kind: "ERROR", awsAccountId: g.awsAccountId, permissionSetArn: g.permissionSetArn, principalId: g.principalId, groupAwsId: g.groupAwsId, grantId: g.id, action: "FAILED", detail: `${info.name}: ${info.message}`.slice(0, 500) });
      }
    }
    // 3. Orphaned temporary permission sets: every permission set of the instance is read (two calls each),
    // so on a large instance this scan is what takes time. In ARN order, it stops at the run's deadline and
    // the next run continues after the last ARN it finished (resumeAfterArn).
    /** Checks one set (and removes it when it is an orphan of ours); false when the deadline cut it off. */
    const scanOne = async (arn: string): Promise<boolean> => {
      const ps = await describePermissionSet(ic, arn);
      if (!ps) return true;
      const tags = await listPermissionSetTags(ic, arn);
      const ours = tags[MANAGED_BY_TAG.key] === MANAGED_BY_TAG.value || looksLikeTempPermissionSetName(ps.name, integration.tempPermissionSetPrefix);
      if (!ours) return true;
      const grantId = tags["grant-id"] ?? null;
      const grant = grantId
        ? await db.grant.findUnique({ where: { id: grantId }, select: { id: true, state: true, step: true } })
        : await db.grant.findFirst({ where: { permissionSetArn: arn }, select: { id: true, state: true, step: true } });
      const live = !!grant && (LIVE_FOR_RECONCILE.includes(grant.state) || (grant.state === "FAILED" && grant.step !== null));
      if (live) return true;
      // Ours to remove: made for this integration (a restored database keeps its id) or for a grant we
      // know. A set that only looks like ours may be another installation's live access on a shared instance.
      if (tags[INTEGRATION_TAG_KEY] !== integrationId && !grant) {
        note({
          kind: "ORPHAN_TEMP_PERMISSION_SET",
          awsAccountId: null,
          permissionSetArn: arn,
          principalId: null,
          grantId,
          action: "REPORTED",
          detail: `${ps.name}: looks like a portal set but was not made by this portal (integration tag ${tags[INTEGRATION_TAG_KEY] ?? "missing"}, grant ${grantId ?? "unknown"}); not removed: another installation may share this Identity Center. Delete it in IAM Identity Center if nothing uses it.`,
        });
        return true;
      }
      try {
        const removed: TAssignmentRef[] = [];
        for (const accountId of await listAccountsForPermissionSet(ic, arn)) {
          for (const a of await listAccountAssignments(ic, accountId, arn)) {
            await removeAssignmentAndWait(ic, a, deadline);
            removed.push(a);
          }
        }
        await deletePermissionSet(ic, arn);
        note({ kind: "ORPHAN_TEMP_PERMISSION_SET", awsAccountId: null, permissionSetArn: arn, principalId: null, grantId: grant?.id ?? grantId, action: "REMOVED", detail: `${ps.name}: ${grant ? `grant is ${grant.state}` : "no grant"}` });
        // Each removal of access is its own audit event, not only a count in the run's summary.
        await db.$transaction((tx) =>
          appendAuditEvent(tx, {
            actor: options.actor ?? "system",
            action: "reconcile.orphan_removed",
            subjectType: "ReconcileRun",
            subjectId: run.id,
            integrationId,
            details: { permissionSetArn: arn, permissionSetName: ps.name, grantId: grant?.id ?? grantId, grantState: grant?.state ?? null, assignmentsRemoved: removed.map((a) => ({ accountId: a.accountId, principalType: a.principalType, principalId: a.principalId })) },
          }),
        );
      } catch (e) {
        // Cut off by the deadline mid-removal: not done; the next run starts again at this set.
        if (pastDeadline()) return false;
        const info = awsErrorInfo(e);
        note({ kind: "ORPHAN_TEMP_PERMISSION_SET", awsAccountId: null, permissionSetArn: arn, principalId: null, grantId: grant?.id ?? grantId, action: "FAILED", detail: `${ps.name}: ${info.name}: ${info.message}`.slice(0, 500) });
      }
      return true;
    };
    const arns = (await listPermissionSetArns(ic)).sort();
    const todo = resumeAfter !== null ? arns.filter((arn) => arn > resumeAfter) : arns;
    let lastDone = resumeAfter;
    let checked = arns.length - todo.length;
    for (const arn of todo) {
      if (pastDeadline() || !(await scanOne(arn))) {
        // Unfinished only when this run moved on: a continuation that could not check a single set gives up
        // the chain, and the scan starts again with the next run the interval brings (no tight loop).
        stoppedAfter = !resuming || lastDone !== resumeAfter ? (lastDone ?? "") : null;
        note({
          kind: "INCOMPLETE",
          awsAccountId: null,
          permissionSetArn: lastDone || null,
          principalId: null,
          action: "REPORTED",
          detail:
            stoppedAfter === null
              ? `Reached its time budget before checking any more of the ${arns.length} permission sets; the scan starts again with the next scheduled run.`
              : `Reached its time budget after checking ${checked} of ${arns.length} permission sets for orphaned temporary sets; the next run continues from there.`,
        });
        break;
      }
      lastDone = arn;
      checked += 1;
    }
  } catch (e) {
    const info = awsErrorInfo(e);
    note({ kind: "ERROR", awsAccountId: null, permissionSetArn: null, principalId: null, action: "FAILED", detail: `${info.name}: ${info.message}`.slice(0, 500) });
  }
  const incomplete = findings.some((f) => f.kind === "INCOMPLETE");
  const status = errors === 0 ? (incomplete ? "PARTIAL" : "SUCCEEDED") : findings.length > errors ? "PARTIAL" : "FAILED";
  return db.$transaction(async (tx) => {
    const done = await tx.reconcileRun.update({ where: { id: run.id }, data: { status, finishedAt: new Date(), findings: findings as object[], resumeAfterArn: stoppedAfter } });
    await appendAuditEvent(tx, {
      actor: options.actor ?? "system",
      action: "reconcile.finished",
      subjectType: "ReconcileRun",
      subjectId: run.id,
      integrationId,
      details: { status, findings: findings.length, removed: findings.filter((f) => f.action === "REMOVED").length, reprovisioned: findings.filter((f) => f.action === "REPROVISIONED").length, reported: findings.filter((f) => f.action === "REPORTED").length },
    });
    return done;
  });
}

const RECONCILE_LOCK = 0x4a495452; // "JITR"

/**
 * Starts reconcile runs for integrations whose last run is older than `intervalMs`, or whose last run
 * reached its deadline mid-scan (continued at once, from where it stopped), one replica at a time deciding
 * under an advisory lock. `deadline` bounds each run (the worker route passes its own). `onFinished` runs
 * after each run is recorded, before the next starts (the tick alerts its findings there: a later run that
 * throws does not lose them). System actor.
 */
export async function runDueReconciles(
  db: TDb,
  now: Date,
  options: { intervalMs: number; resolveAws?: TIntegrationAwsResolver; deadline?: number; onFinished?: (run: ReconcileRun) => Promise<unknown> },
): Promise<ReconcileRun[]> {
  const runs = await db.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(${RECONCILE_LOCK}::bigint)`;
    const integrations = await tx.integration.findMany({ where: { enabled: true, kind: "IDENTITY_CENTER", instanceArn: { not: null } }, select: { id: true } });
    const started: { run: ReconcileRun; resumeAfterArn: string | null }[] = [];
    for (const i of integrations) {
      const last = await tx.reconcileRun.findFirst({ where: { integrationId: i.id }, orderBy: { startedAt: "desc" } });
      const stale = !last || last.startedAt.getTime() <= now.getTime() - options.intervalMs;
      const unfinished = !!last && last.status !== "RUNNING" && last.resumeAfterArn !== null;
      if (stale || unfinished) {
        started.push({ run: await tx.reconcileRun.create({ data: { integrationId: i.id, trigger: "SCHEDULE" } }), resumeAfterArn: unfinished ? last.resumeAfterArn : null });
      }
    }
    return started;
  });
  const out: ReconcileRun[] = [];
  for (const { run, resumeAfterArn } of runs) {
    const done = await reconcileIntegration(db, run.integrationId, { trigger: "SCHEDULE", run, resolveAws: options.resolveAws, deadline: options.deadline, resumeAfterArn });
    out.push(done);
    try {
      await options.onFinished?.(done);
    } catch (e) {
      // The runs after this one still run (and are recorded), whatever their predecessor's follow-up did.
      console.error(`after reconcile run ${done.id}`, e);
    }
  }
  return out;
}
