import { setTimeout as sleep } from "node:timers/promises";
import { appendAuditEvent } from "../audit/append-audit-event.ts";
import { buildGrantPermissions } from "../access/build-grant-permissions.ts";
import { awsErrorInfo } from "../aws/aws-errors.ts";
import {
  attachCustomerManagedPolicyReference,
  createAccountAssignment,
  createPermissionSet,
  deleteAccountAssignment,
  deletePermissionSet,
  describeAssignmentCreation,
  describeAssignmentDeletion,
  describePermissionSet,
  scanPermissionSetsForName,
  hasUserAssignment,
  isAssignmentNotFound,
  isQuotaFailure,
  isSizeLimitQuota,
  listAccountAssignments,
  listAccountsForPermissionSet,
  listPermissionSetTags,
  putInlinePolicy,
  tagPermissionSet,
  type TAssignmentRef,
  type TAsyncStatus,
  type TPermissionSetInfo,
  type TPermissionSetScanPosition,
} from "../aws/identity-center-ops.ts";
import { deleteGroupMembership, ensureGroupMembership, findGroupMembershipId, findUserIdByEmail } from "../aws/identity-store-ops.ts";
import type { TDb } from "../db/client.ts";
import type { Prisma } from "../db/generated/client.ts";
import type { TGrantEvent } from "./grant-events.ts";
import { IntegrationNotReadyError, type TIntegrationAws } from "./integration-aws.ts";
import { acquireAccount, acquireAssignmentSlot, acquireWithin, parkHold, takeParkedHold } from "./provisioning-limits.ts";
import { QUOTA_WAIT_MIN_LEFT, quotaGiveUpAt } from "./quota-give-up.ts";
import { MANAGEMENT_LINKS, TARGET_AVAILABILITY_SELECT, whyTargetGone } from "../access/target-availability.ts";
import { EXPIRES_AT_TAG_KEY, isoDurationMs, tempPermissionSetName, tempPermissionSetTags, tempSessionDuration } from "./temp-permission-set.ts";
import type { TWorkerOptions } from "./worker-options.ts";

/**
 * The grant state machine (DESIGN §3). Each step reads what AWS holds, acts, then records the
 * result with a conditional update on (id, lockedBy = this worker, state) — so a worker whose
 * lease was taken over records nothing — and writes the audit event of every state change in the
 * same transaction.
 *
 *   APPROVED → PROVISIONING: RESOLVE_PRINCIPAL → [CREATE_PERMISSION_SET → PUT_POLICY] | [CHECK_EXISTING]
 *                            → ASSIGN → POLL_ASSIGNMENT → ACTIVE          (groups: CHECK_MEMBERSHIP → ADD_MEMBERSHIP)
 *   ACTIVE at expiresAt → REVOKING: UNASSIGN → POLL_UNASSIGN → [DELETE_PERMISSION_SET] → EXPIRED | REVOKED
 *                                   (groups: REMOVE_MEMBERSHIP; a temporary set still assigned elsewhere:
 *                                   DELETE_PERMISSION_SET → UNASSIGN_ALL → DELETE_PERMISSION_SET)
 *   provisioning gives up → FAILED, and while `step` is set the same removal steps clean up what was
 *   created (then step = null). Revocation never gives up: it retries with capped backoff.
 */

type TStepName =
  | "RESOLVE_PRINCIPAL"
  | "CREATE_PERMISSION_SET"
  | "PUT_POLICY"
  | "CHECK_EXISTING"
  | "ASSIGN"
  | "POLL_ASSIGNMENT"
  | "CHECK_MEMBERSHIP"
  | "ADD_MEMBERSHIP"
  | "UNASSIGN"
  | "POLL_UNASSIGN"
  | "DELETE_PERMISSION_SET"
  | "UNASSIGN_ALL"
  | "REMOVE_MEMBERSHIP"
  | "END";

const grantInclude = {
  integration: true,
  request: {
    select: {
      id: true,
      accessLevel: true,
      policyDocument: true,
      targetType: true,
      resource: { select: { type: true, arn: true, name: true, deletedAt: true, account: { select: { accountId: true } } } },
      permissionSet: { select: { sessionDuration: true, name: true, deletedAt: true, accounts: MANAGEMENT_LINKS } },
      account: TARGET_AVAILABILITY_SELECT.account,
      group: TARGET_AVAILABILITY_SELECT.group,
    },
  },
} as const;

type TGrant = Prisma.GrantGetPayload<{ include: typeof grantInclude }>;

type TClaim = {
  db: TDb;
  options: TWorkerOptions;
  /** Account mutex and in-flight slot held from an assignment call until its status settles; `outstanding` while AWS still works on it. */
  held: { release?: () => void; outstanding?: boolean };
  notifications: { grantId: string; event: TGrantEvent }[];
  /** This claim has looked at whether the grant's removal is overdue (one look per claim). */
  overdueChecked?: boolean;
};

type TStepResult = "continue" | "stop";

/** Thrown when the conditional update matched nothing: another worker owns the grant now, or its state moved. */
class LostGrant extends Error {}

/** The account or an in-flight slot stayed busy for the whole inline wait: try again at a later tick. */
class CapacityBusy extends Error {}

/** A test hook simulated a crash right after an AWS change: nothing more may be recorded. */
export class SimulatedCrash extends Error {
  override name = "SimulatedCrash";
}

/** How long a parked hold waits for its grant's next claim in this process before it is released anyway. */
const PARKED_HOLD_MS = 120_000;

const SAFE_WAITING_QUOTA = "Waiting for AWS capacity (an AWS quota was reached). The portal retries automatically.";
const SAFE_SIZE_LIMIT =
  "Not set up: this access needs more policy than AWS allows in one permission set (an AWS size limit), and waiting will not change that. Request narrower access, or ask an administrator.";
const SAFE_QUOTA_GAVE_UP =
  "Not set up: AWS had no room for this access (an AWS quota was reached) and it did not clear in time. An administrator has been alerted; request it again once they have made room.";
const SAFE_WAITING_CONFLICT = "Waiting for AWS to finish another change in this account. The portal retries automatically.";

function now() {
  return new Date();
}

function jitter(ms: number) {
  return Math.round(ms * (0.5 + Math.random() * 0.5));
}

function backoff(options: TWorkerOptions, attempts: number, maxMs: number) {
  return jitter(Math.min(maxMs, options.backoffBaseMs * 2 ** Math.min(attempts, 16)));
}

function releaseHeld(claim: TClaim) {
  claim.held.release?.();
  claim.held.release = undefined;
  claim.held.outstanding = false;
}

/**
 * Takes the account mutex and an in-flight slot. A long wait may outlast the lease, so the lease is
 * then renewed (LostGrant if another worker took the grant meanwhile) before any AWS change.
 */
async function holdAccount(claim: TClaim, g: TGrant, accountId: string) {
  if (claim.held.release) return;
  const waitStarted = Date.now();
  const wait = inlineWaitLeft(claim.options);
  const account = await acquireWithin(acquireAccount(accountId), wait);
  if (!account) throw new CapacityBusy();
  const slot = await acquireWithin(acquireAssignmentSlot(), wait);
  if (!slot) {
    account();
    throw new CapacityBusy();
  }
  claim.held.release = () => {
    slot();
    account();
  };
  if (Date.now() - waitStarted > 1_000) await record(claim, g, {});
}

/** How long a claim may still wait inline: maxInlineWaitMs, cut short by the tick's deadline. */
function inlineWaitLeft(options: TWorkerOptions): number {
  return options.deadline === undefined ? options.maxInlineWaitMs : Math.max(0, Math.min(options.maxInlineWaitMs, options.deadline - Date.now()));
}

/** extraWhere for record(): write whatever the expiry is now (facts about AWS that removal needs). */
const ANY_EXPIRY: Prisma.GrantWhereInput = { expiresAt: undefined };

/**
 * Records a step or a state change; audit in the same transaction when the state changes. Conditional
 * on the lease, the state and the expiry this step read: a revoke (expiry moved to now) or an extension
 * committed meanwhile makes it LostGrant, and the claim re-reads the grant instead of writing a stale
 * nextRunAt over the revoke. An audit marked `once` is written only if the grant has none with that action
 * yet (the grant's row stays locked until commit, so two workers cannot both write it); returns whether
 * the audit event was written. A grant that moves past the step that waited on an AWS quota loses the
 * quota's lastError and waiting message (passesQuotaWait) unless the update sets its own.
 */
async function record(
  claim: TClaim,
  g: TGrant,
  data: Prisma.GrantUpdateManyMutationInput,
  audit?: { action: string; details?: Record<string, unknown>; once?: boolean },
  extraWhere: Prisma.GrantWhereInput = {},
): Promise<boolean> {
  const { db, options } = claim;
  const lease = new Date(Date.now() + options.leaseMs);
  const where: Prisma.GrantWhereInput = { id: g.id, lockedBy: options.workerId, state: g.state, expiresAt: g.expiresAt, ...extraWhere };
  const update = passesQuotaWait(g, data)
    ? { lastError: null, ...(g.statusMessage === SAFE_WAITING_QUOTA ? { statusMessage: null } : {}), ...data }
    : data;
  if (!audit) {
    const r = await db.grant.updateMany({ where, data: { ...update, lockedUntil: lease } });
    if (r.count !== 1) throw new LostGrant(`grant ${g.id}: lease lost or state moved`);
    return false;
  }
  return db.$transaction(async (tx) => {
    const r = await tx.grant.updateMany({ where, data: { ...update, lockedUntil: lease } });
    if (r.count !== 1) throw new LostGrant(`grant ${g.id}: lease lost or state moved`);
    if (audit.once && (await tx.auditEvent.findFirst({ where: { action: audit.action, subjectType: "Grant", subjectId: g.id }, select: { seq: true } }))) return false;
    await appendAuditEvent(tx, {
      actor: "system",
      action: audit.action,
      subjectType: "Grant",
      subjectId: g.id,
      integrationId: g.integrationId,
      awsAccountId: g.awsAccountId,
      details: { requestId: g.requestId, kind: g.kind, from: g.state, step: g.step, ...(audit.details ?? {}) },
    });
    return true;
  });
}

function changed(claim: TClaim, g: TGrant, operation: string) {
  try {
    claim.options.afterAwsChange?.(g.id, operation);
  } catch (e) {
    throw e instanceof SimulatedCrash ? e : new SimulatedCrash(String(e));
  }
}

function aws(claim: TClaim, g: TGrant): TIntegrationAws {
  return claim.options.resolveAws(g.integration);
}

// ───────────────────────────── entry ─────────────────────────────

/**
 * Advances one claimed grant as far as it can go now (bounded by maxStepsPerClaim and
 * maxInlineWaitMs). The caller must hold the lease (Grant.lockedBy = options.workerId) and
 * releases it afterwards. System actor: assumes the grant was approved through the portal.
 * Returns the notifications to send after commit.
 */
export async function advanceGrant(db: TDb, grantId: string, options: TWorkerOptions): Promise<{ grantId: string; event: TGrantEvent }[]> {
  // A previous claim that ended with an AWS operation outstanding left its hold parked: take it back.
  const parked = takeParkedHold(grantId);
  const claim: TClaim = { db, options, held: { release: parked, outstanding: !!parked }, notifications: [] };
  const started = Date.now();
  let steps = 0;
  try {
    while (steps < options.maxStepsPerClaim) {
      const g = await db.grant.findFirst({ where: { id: grantId, lockedBy: options.workerId }, include: grantInclude });
      if (!g) break;
      // A hold (parked or kept) only stays while the grant still waits on that AWS operation.
      if (claim.held.outstanding && g.step !== "POLL_ASSIGNMENT" && g.step !== "POLL_UNASSIGN") releaseHeld(claim);
      if (["EXPIRED", "REVOKED"].includes(g.state) || (g.state === "FAILED" && !g.step)) break;
      if (!claim.overdueChecked && removalOverdue(g, options)) {
        claim.overdueChecked = true;
        try {
          await alertRemovalOverdue(claim, g);
        } catch (e) {
          if (e instanceof LostGrant) continue;
          throw e;
        }
      }
      // Past the tick's deadline no step starts: the grant is released with its next step recorded.
      if (options.deadline !== undefined && Date.now() >= options.deadline) break;
      const wait = g.nextRunAt.getTime() - Date.now();
      if (wait > 0) {
        if (Date.now() + wait - started > options.maxInlineWaitMs) break;
        if (options.deadline !== undefined && Date.now() + wait >= options.deadline) break;
        await sleep(wait);
        continue;
      }
      steps += 1;
      await options.onStep?.({ grantId, workerId: options.workerId, phase: "start", state: g.state, step: g.step });
      let result: TStepResult;
      try {
        result = await runStep(claim, g);
      } catch (e) {
        // The grant moved under us (revoked, extended) or the lease is gone: the next read tells which.
        if (e instanceof LostGrant) continue;
        if (e instanceof SimulatedCrash) throw e;
        if (e instanceof CapacityBusy) {
          await record(claim, g, { nextRunAt: new Date(Date.now() + jitter(options.pollIntervalMs * 4)) }).catch((inner: unknown) => {
            if (!(inner instanceof LostGrant)) throw inner;
          });
          break;
        }
        result = await handleError(claim, g, e);
      } finally {
        void options.onStep?.({ grantId, workerId: options.workerId, phase: "end", state: g.state, step: g.step });
      }
      if (result === "stop") break;
    }
  } catch (e) {
    // A simulated crash loses the process's in-memory holds, as a real one would.
    if (e instanceof SimulatedCrash) claim.held.outstanding = false;
    throw e;
  } finally {
    // An assignment operation still outstanding (its poll is due later) keeps its slot and account taken.
    if (claim.held.release && claim.held.outstanding) {
      parkHold(grantId, claim.held.release, PARKED_HOLD_MS);
      claim.held.release = undefined;
    }
    releaseHeld(claim);
  }
  return claim.notifications;
}

function isExpired(g: TGrant) {
  return g.expiresAt.getTime() <= Date.now();
}

async function runStep(claim: TClaim, g: TGrant): Promise<TStepResult> {
  if (g.state === "APPROVED") {
    if (isExpired(g)) return finish(claim, g, "never provisioned");
    await record(claim, g, { state: "PROVISIONING", step: "RESOLVE_PRINCIPAL", attempts: 0, lastError: null, statusMessage: null, nextRunAt: now() }, { action: "grant.provisioning" });
    return "continue";
  }
  if ((g.state === "PROVISIONING" || g.state === "ACTIVE") && isExpired(g)) {
    // Its time ran out while an AWS quota kept it from being set up: it failed (and what it created is
    // cleaned up), it did not expire. The overdue alert is about removals that fail, not this one.
    if (g.state === "PROVISIONING" && !g.revokedById && waitingOnQuota(g)) {
      const blocked = await stillBlockedByQuota(claim, g);
      if (blocked === "unknown") {
        await record(claim, g, { nextRunAt: new Date(Date.now() + claim.options.pollIntervalMs) });
        return "continue";
      }
      if (blocked) {
        claim.overdueChecked = true;
        return fail(claim, g, `${g.lastError ?? ""}; gave up waiting: the grant's approved time ran out`, SAFE_QUOTA_GAVE_UP);
      }
    }
    return beginRevoke(claim, g);
  }
  if (g.state === "ACTIVE") return followExpiry(claim, g);
  const step = (g.step ?? (g.state === "PROVISIONING" ? "RESOLVE_PRINCIPAL" : firstRemovalStep(g))) as TStepName;
  switch (step) {
    case "RESOLVE_PRINCIPAL":
      return resolvePrincipal(claim, g);
    case "CREATE_PERMISSION_SET":
      return createTempPermissionSet(claim, g);
    case "PUT_POLICY":
      return putPolicy(claim, g);
    case "CHECK_EXISTING":
      return checkExistingAssignment(claim, g);
    case "ASSIGN":
      return assign(claim, g);
    case "POLL_ASSIGNMENT":
      return pollAssignment(claim, g);
    case "CHECK_MEMBERSHIP":
      return checkMembership(claim, g);
    case "ADD_MEMBERSHIP":
      return addMembership(claim, g);
    case "UNASSIGN":
      return unassign(claim, g);
    case "POLL_UNASSIGN":
      return pollUnassign(claim, g);
    case "DELETE_PERMISSION_SET":
      return removeTempPermissionSet(claim, g);
    case "UNASSIGN_ALL":
      return unassignAll(claim, g);
    case "REMOVE_MEMBERSHIP":
      return removeMembership(claim, g);
    case "END":
      return finish(claim, g);
    default:
      throw new Error(`unknown step ${String(step)}`);
  }
}

// ───────────────────────────── provisioning ─────────────────────────────

async function resolvePrincipal(claim: TClaim, g: TGrant): Promise<TStepResult> {
  // A grant can wait days for its start (or an admin's retry): what was approved may be gone meanwhile.
  const gone = whyTargetGone({ integration: g.integration, ...g.request });
  if (gone) return fail(claim, g, `not provisioned: ${gone}`, `Not set up: ${gone} since this was approved. Request it again if you still need it.`);
  const user = await claim.db.user.findUnique({ where: { id: g.userId }, select: { email: true, disabled: true } });
  if (!user) return fail(claim, g, `portal user ${g.userId} no longer exists`, "Your portal account no longer exists.");
  if (user.disabled) return fail(claim, g, `not provisioned: portal user ${user.email} is disabled`, "Not set up: your portal account has been disabled.");
  const { store } = aws(claim, g);
  const principalId = await findUserIdByEmail(store, user.email);
  if (!principalId) {
    const message = `No IAM Identity Center user has the email or user name ${user.email}.`;
    return fail(claim, g, message, `${message} Ask an administrator to add you to IAM Identity Center, then ask them to retry this grant.`);
  }
  // Approvers decided for the Identity Center user the requester had when asking; if the email now
  // belongs to another user (re-created, renamed, re-pointed), that user was never approved.
  const request = await claim.db.accessRequest.findUnique({ where: { id: g.requestId }, select: { requesterPrincipalId: true } });
  if (request?.requesterPrincipalId && request.requesterPrincipalId !== principalId) {
    return fail(
      claim,
      g,
      `the Identity Center user for ${user.email} is now ${principalId}, not ${request.requesterPrincipalId} as when the request was submitted`,
      "Your IAM Identity Center user changed after you asked, so this approval does not cover it. Submit a new request.",
    );
  }
  const next: TStepName = g.kind === "TEMP_PERMISSION_SET" ? "CREATE_PERMISSION_SET" : g.kind === "GROUP_MEMBERSHIP" ? "CHECK_MEMBERSHIP" : "CHECK_EXISTING";
  if (g.kind !== "TEMP_PERMISSION_SET" && g.kind !== "PERMISSION_SET_ASSIGNMENT" && g.kind !== "GROUP_MEMBERSHIP") {
    return fail(claim, g, `grant kind ${g.kind} is not provisioned by the Identity Center worker`, "This kind of access cannot be set up automatically.");
  }
  await record(claim, g, { principalId, step: next, nextRunAt: now() });
  return "continue";
}

async function createTempPermissionSet(claim: TClaim, g: TGrant): Promise<TStepResult> {
  const { ic } = aws(claim, g);
  // A recorded set that still exists is done; one that vanished (reconciler, admin) is re-created.
  if (g.permissionSetArn && (await describePermissionSet(ic, g.permissionSetArn))) {
    await record(claim, g, { step: "PUT_POLICY", nextRunAt: now() });
    return "continue";
  }
  const name = tempPermissionSetName(g.integration.tempPermissionSetPrefix, g.id);
  const description = `JIT ${g.request.accessLevel} access, grant ${g.id}`.slice(0, 700);
  let arn: string;
  try {
    const ps = await createPermissionSet(ic, {
      name,
      description,
      sessionDuration: tempSessionDuration(g.startsAt, g.expiresAt),
      tags: tempPermissionSetTags(g),
    });
    arn = ps.arn;
    changed(claim, g, "CreatePermissionSet");
  } catch (e) {
    const info = awsErrorInfo(e);
    if (!(info.conflict && /already exists/i.test(info.message))) throw e;
    // A previous attempt created it but crashed before recording: adopt it only if it is ours.
    const existing = await findTempPermissionSet(claim, g, name);
    if (existing === "paused") return "continue";
    if (!existing) throw e;
    const tags = await listPermissionSetTags(ic, existing.arn);
    if (tags["grant-id"] !== g.id) {
      return fail(claim, g, `permission set name ${name} is taken by a set not created for this grant`, "The temporary permission set could not be created.");
    }
    arn = existing.arn;
  }
  // Whatever the expiry is now: a revoke that landed during the create must still find the set to delete it.
  await record(
    claim,
    g,
    { permissionSetArn: arn, permissionSetName: name, step: "PUT_POLICY", nextRunAt: now(), ...(g.stepCursor ? { stepCursor: null } : {}) },
    undefined,
    ANY_EXPIRY,
  );
  return "continue";
}

/** Describes between lease renewals (and deadline checks) during the scan: a few seconds at the 20/s sso-admin rate. */
const SCAN_CHECKPOINT_EVERY = 25;

/** Where CREATE_PERMISSION_SET's scan for its set by name stands (stepCursor), so the next claim continues it. */
function scanPosition(g: TGrant): TPermissionSetScanPosition | null {
  if (g.step !== "CREATE_PERMISSION_SET" || !g.stepCursor) return null;
  try {
    const at = JSON.parse(g.stepCursor) as TPermissionSetScanPosition;
    return typeof at.index === "number" && (typeof at.token === "string" || at.token === null) ? at : null;
  } catch {
    return null;
  }
}

/**
 * Finds the grant's set by name: every set of the instance is described (thousands take minutes at the sso-admin
 * rate), so the lease is renewed as it goes and at the tick's deadline the scan stops, its position recorded
 * ("paused": the next claim resumes there). A scan that ends without it clears the position.
 */
async function findTempPermissionSet(claim: TClaim, g: TGrant, name: string): Promise<TPermissionSetInfo | null | "paused"> {
  const { ic } = aws(claim, g);
  const { deadline } = claim.options;
  const outcome = await scanPermissionSetsForName(
    ic,
    name,
    scanPosition(g) ?? { token: null, index: 0 },
    async () => {
      if (deadline !== undefined && Date.now() >= deadline) return false;
      await record(claim, g, {});
      return true;
    },
    SCAN_CHECKPOINT_EVERY,
  );
  if (outcome.kind === "paused") {
    await record(claim, g, { stepCursor: JSON.stringify(outcome.at), nextRunAt: now() });
    return "paused";
  }
  if (outcome.kind === "found") return outcome.ps;
  if (g.stepCursor) await record(claim, g, { stepCursor: null });
  return null;
}

async function putPolicy(claim: TClaim, g: TGrant): Promise<TStepResult> {
  const { ic } = aws(claim, g);
  const arn = g.permissionSetArn;
  if (!arn) {
    await record(claim, g, { step: "CREATE_PERMISSION_SET", nextRunAt: now() });
    return "continue";
  }
  const resource = g.request.resource;
  if (resource?.type === "IAM_POLICY") {
    const permissions = buildGrantPermissions({ type: "IAM_POLICY", arn: resource.arn, awsAccountId: resource.account.accountId }, g.request.accessLevel);
    const refs = permissions.grantKind === "TEMP_PERMISSION_SET" ? permissions.customerManagedPolicies : [];
    for (const ref of refs) await attachCustomerManagedPolicyReference(ic, arn, { name: ref.name, path: ref.path });
  } else {
    const policy = g.request.policyDocument;
    if (!policy) return fail(claim, g, `request ${g.requestId} has no policy document`, "The access request has no policy to grant.");
    await putInlinePolicy(ic, arn, policy);
  }
  changed(claim, g, "PutPolicy");
  await record(claim, g, { step: "ASSIGN", preExisting: false, nextRunAt: now() });
  return "continue";
}

/** Another grant the portal itself holds for the same (user, account, permission set) or group. */
function portalOwnedElsewhere(claim: TClaim, g: TGrant) {
  return claim.db.grant.findFirst({
    where: {
      id: { not: g.id },
      userId: g.userId,
      kind: g.kind,
      preExisting: false,
      ...(g.kind === "GROUP_MEMBERSHIP" ? { groupAwsId: g.groupAwsId } : { awsAccountId: g.awsAccountId, permissionSetArn: g.permissionSetArn }),
      OR: [
        { state: { in: ["PROVISIONING", "ACTIVE", "REVOKING"] } },
        { state: "FAILED", step: { not: null } },
      ],
      // Evidence that it created (or is creating) the access. A membership shows at once, before the grant
      // adding it records its id: one at ADD_MEMBERSHIP counts, or its new membership would look standing.
      AND: [
        {
          OR:
            g.kind === "GROUP_MEMBERSHIP"
              ? [{ membershipId: { not: null } }, { state: "PROVISIONING", step: "ADD_MEMBERSHIP" }]
              : [{ assignmentRequestId: { not: null } }, { activatedAt: { not: null } }],
        },
      ],
    },
    select: { id: true, state: true, expiresAt: true },
  });
}

/**
 * The owning grant is removing the access (or is due to): it decided without counting this grant, so
 * what this grant sees now is about to go. Look again once it has finished, then create our own.
 */
async function waitForOwnerRemoval(claim: TClaim, g: TGrant, owner: { id: string; state: string; expiresAt: Date } | null): Promise<boolean> {
  if (!owner || (owner.state !== "REVOKING" && owner.state !== "FAILED" && owner.expiresAt.getTime() > Date.now())) return false;
  await record(claim, g, { nextRunAt: new Date(Date.now() + claim.options.pollIntervalMs), lastError: `Waiting for grant ${owner.id} to finish removing the same access` });
  return true;
}

async function checkExistingAssignment(claim: TClaim, g: TGrant): Promise<TStepResult> {
  const { ic } = aws(claim, g);
  if (!g.awsAccountId || !g.permissionSetArn || !g.principalId) return fail(claim, g, "grant has no account or permission set", "The access target is incomplete.");
  const exists = await hasUserAssignment(ic, { accountId: g.awsAccountId, permissionSetArn: g.permissionSetArn, principalId: g.principalId });
  const owner = exists ? await portalOwnedElsewhere(claim, g) : null;
  if (await waitForOwnerRemoval(claim, g, owner)) return "continue";
  // Present and not created by another live portal grant: standing access the portal must never remove.
  const preExisting = exists && !owner;
  if (preExisting) return activate(claim, g, { preExisting: true }, "the user already held this assignment");
  await record(claim, g, { preExisting: false, step: "ASSIGN", nextRunAt: now() });
  return "continue";
}

async function assign(claim: TClaim, g: TGrant): Promise<TStepResult> {
  const { ic } = aws(claim, g);
  if (!g.awsAccountId || !g.permissionSetArn || !g.principalId) return fail(claim, g, "grant has no account, permission set or principal", "The access target is incomplete.");
  await holdAccount(claim, g, g.awsAccountId);
  const status = await createAccountAssignment(ic, { accountId: g.awsAccountId, permissionSetArn: g.permissionSetArn, principalType: "USER", principalId: g.principalId });
  changed(claim, g, "CreateAccountAssignment");
  if (status.status !== "IN_PROGRESS") return settleAssignment(claim, g, status);
  claim.held.outstanding = true;
  // Recorded even when a revoke moved the expiry meanwhile: removal must know this creation is in
  // flight and let it settle, or a deletion that overtakes it leaves the access behind.
  await record(claim, g, { step: "POLL_ASSIGNMENT", assignmentRequestId: status.requestId, nextRunAt: new Date(Date.now() + claim.options.firstPollMs) }, undefined, ANY_EXPIRY);
  return "continue";
}

async function pollAssignment(claim: TClaim, g: TGrant): Promise<TStepResult> {
  if (!g.assignmentRequestId) {
    await record(claim, g, { step: "ASSIGN", nextRunAt: now() });
    return "continue";
  }
  const status = await describeAssignmentCreation(aws(claim, g).ic, g.assignmentRequestId);
  return settleAssignment(claim, g, status);
}

async function settleAssignment(claim: TClaim, g: TGrant, status: TAsyncStatus): Promise<TStepResult> {
  if (status.status === "IN_PROGRESS") {
    claim.held.outstanding = true;
    await record(claim, g, { step: "POLL_ASSIGNMENT", assignmentRequestId: status.requestId || g.assignmentRequestId, nextRunAt: new Date(Date.now() + claim.options.pollIntervalMs) }, undefined, ANY_EXPIRY);
    return "continue";
  }
  releaseHeld(claim);
  if (status.status === "SUCCEEDED") return activate(claim, g, { assignmentRequestId: status.requestId || g.assignmentRequestId });
  const reason = status.failureReason ?? "unknown reason";
  if (isQuotaFailure(reason)) return waitOnQuota(claim, g, `assignment ${status.requestId} FAILED: ${reason}`, "ASSIGN");
  return retryOrFail(claim, g, `Assignment ${status.requestId} FAILED: ${reason}`, "ASSIGN");
}

async function activate(claim: TClaim, g: TGrant, data: Prisma.GrantUpdateManyMutationInput, note?: string): Promise<TStepResult> {
  // Extended while it was being set up: its temporary set still carries the expiry it was created with, and
  // the ACTIVE step (followExpiry) brings the tag up to date before the grant sleeps until its expiry.
  const retag = g.kind === "TEMP_PERMISSION_SET" && (await claim.db.accessRequest.count({ where: { extendsGrantId: g.id, status: "APPROVED" } })) > 0;
  await record(
    claim,
    g,
    { ...data, state: "ACTIVE", step: null, activatedAt: g.activatedAt ?? now(), attempts: 0, lastError: null, statusMessage: null, nextRunAt: retag ? now() : g.expiresAt },
    { action: "grant.active", details: { principalId: g.principalId, permissionSetArn: g.permissionSetArn, groupAwsId: g.groupAwsId, expiresAt: g.expiresAt.toISOString(), ...(note ? { note } : {}) } },
  );
  claim.notifications.push({ grantId: g.id, event: "ACTIVE" });
  return retag ? "continue" : "stop";
}

/** lastError of an ACTIVE grant whose temporary set's expires-at tag could not be updated. */
const EXPIRY_TAG_ERROR = "Could not update the expires-at tag: ";

/**
 * An ACTIVE grant claimed before its expiry (an extension moved it, or it was claimed early): its temporary
 * set's expires-at tag is brought to the current expiry, then the grant sleeps until that expiry. The tag is
 * a label: failing to write it never holds up the access or its removal; it is tried again shortly.
 */
async function followExpiry(claim: TClaim, g: TGrant): Promise<TStepResult> {
  try {
    await updateExpiresAtTag(claim, g);
  } catch (e) {
    if (e instanceof SimulatedCrash || e instanceof LostGrant) throw e;
    const wait = awsErrorInfo(e).throttling ? jitter(claim.options.throttleBackoffMs * 2) : claim.options.backoffMaxMs;
    await record(claim, g, { step: null, lastError: `${EXPIRY_TAG_ERROR}${describeError(e)}`, nextRunAt: new Date(Math.min(g.expiresAt.getTime(), Date.now() + wait)) });
    return "stop";
  }
  await record(claim, g, { nextRunAt: g.expiresAt, step: null, ...(g.lastError?.startsWith(EXPIRY_TAG_ERROR) ? { lastError: null } : {}) });
  return "stop";
}

/**
 * Sets the grant's temporary set's expires-at tag to the grant's expiry when it differs (an extension or an
 * early revoke moved the expiry after the set was created). Only on a set tagged with this grant's id; a set
 * that is gone needs no tag. TagResource merges, so the tags the reconciler reads are kept.
 */
async function updateExpiresAtTag(claim: TClaim, g: TGrant): Promise<void> {
  const arn = g.permissionSetArn;
  if (g.kind !== "TEMP_PERMISSION_SET" || !arn) return;
  const { ic } = aws(claim, g);
  let tags: Record<string, string>;
  try {
    tags = await listPermissionSetTags(ic, arn);
  } catch (e) {
    if (awsErrorInfo(e).notFound) return;
    throw e;
  }
  const expiresAt = g.expiresAt.toISOString();
  if (tags["grant-id"] !== g.id || tags[EXPIRES_AT_TAG_KEY] === expiresAt) return;
  await tagPermissionSet(ic, arn, { [EXPIRES_AT_TAG_KEY]: expiresAt });
  changed(claim, g, "TagResource");
}

async function checkMembership(claim: TClaim, g: TGrant): Promise<TStepResult> {
  if (!g.groupAwsId || !g.principalId) return fail(claim, g, "grant has no group or principal", "The access target is incomplete.");
  const membershipId = await findGroupMembershipId(aws(claim, g).store, g.groupAwsId, g.principalId);
  const owner = membershipId ? await portalOwnedElsewhere(claim, g) : null;
  if (await waitForOwnerRemoval(claim, g, owner)) return "continue";
  const preExisting = !!membershipId && !owner;
  if (preExisting) return activate(claim, g, { preExisting: true, membershipId }, "the user was already a member");
  await record(claim, g, { preExisting: false, step: "ADD_MEMBERSHIP", nextRunAt: now() });
  return "continue";
}

async function addMembership(claim: TClaim, g: TGrant): Promise<TStepResult> {
  if (!g.groupAwsId || !g.principalId) return fail(claim, g, "grant has no group or principal", "The access target is incomplete.");
  const membershipId = await ensureGroupMembership(aws(claim, g).store, g.groupAwsId, g.principalId);
  changed(claim, g, "CreateGroupMembership");
  await mirrorMembership(claim, g, membershipId);
  return activate(claim, g, { membershipId });
}

/**
 * Keeps the portal's copy of Identity Center memberships (what policies and approver steps read) in step
 * with a membership the worker just added (`membershipId`) or removed (null), instead of waiting for the
 * next discovery run: a group's portal rights start and end with the grant. Skipped when discovery has
 * not seen the user or the group.
 */
async function mirrorMembership(claim: TClaim, g: TGrant, membershipId: string | null): Promise<void> {
  if (!g.groupAwsId || !g.principalId) return;
  const [group, member] = await Promise.all([
    claim.db.principal.findFirst({ where: { integrationId: g.integrationId, type: "GROUP", awsId: g.groupAwsId, deletedAt: null }, select: { id: true } }),
    claim.db.principal.findFirst({ where: { integrationId: g.integrationId, type: "USER", awsId: g.principalId, deletedAt: null }, select: { id: true } }),
  ]);
  if (!group || !member) return;
  if (membershipId) {
    await claim.db.principalMembership.upsert({
      where: { groupId_memberId: { groupId: group.id, memberId: member.id } },
      create: { groupId: group.id, memberId: member.id, membershipId },
      update: { membershipId, lastSeenAt: now() },
    });
  } else {
    await claim.db.principalMembership.deleteMany({ where: { groupId: group.id, memberId: member.id } });
  }
}

// ───────────────────────────── removal ─────────────────────────────

function firstRemovalStep(g: TGrant): TStepName {
  return g.kind === "GROUP_MEMBERSHIP" ? "REMOVE_MEMBERSHIP" : "UNASSIGN";
}

async function beginRevoke(claim: TClaim, g: TGrant): Promise<TStepResult> {
  // Revoked mid-provisioning before anything was created (e.g. before CHECK_EXISTING recorded whether
  // the user already held the access): there is nothing of ours to remove, and removing would take
  // standing access.
  const step: TStepName = g.state === "ACTIVE" || created(g) ? firstRemovalStep(g) : "END";
  // The where clause re-checks the expiry: an extension committed since our read wins.
  await record(
    claim,
    g,
    // lastError cleared: from here on it says why removal fails (and a stale provisioning error must not raise the overdue alert).
    { state: "REVOKING", step, attempts: 0, lastError: null, nextRunAt: now() },
    { action: "grant.revoking", details: { expiresAt: g.expiresAt.toISOString(), revokedById: g.revokedById, reason: g.revokeReason } },
    { expiresAt: { lte: now() } },
  );
  // Ended early: the set's expires-at tag says when the access ended, in case its removal takes a while.
  // Only a label: a failure to write it never delays the removal.
  if (g.revokedById && step !== "END") {
    try {
      await updateExpiresAtTag(claim, g);
    } catch (e) {
      if (e instanceof SimulatedCrash) throw e;
    }
  }
  return "continue";
}

/**
 * Another live grant of the same user that has taken this assignment or membership as its own (active
 * and not standing access, or creating it now): it removes it when it ends. A grant that has not got
 * that far (approved, or provisioning before it looked) does not count: kept for it, the access would
 * look like standing access when it looks, and nobody would ever remove it. Removing now costs a
 * back-to-back renewal a few seconds without access; it creates its own.
 */
function neededElsewhere(claim: TClaim, g: TGrant) {
  return claim.db.grant.findFirst({
    where: {
      id: { not: g.id },
      userId: g.userId,
      kind: g.kind,
      expiresAt: { gt: now() },
      preExisting: false,
      ...(g.kind === "GROUP_MEMBERSHIP" ? { groupAwsId: g.groupAwsId } : { awsAccountId: g.awsAccountId, permissionSetArn: g.permissionSetArn }),
      OR: [{ state: "ACTIVE" }, { state: "PROVISIONING", step: { in: ["ASSIGN", "POLL_ASSIGNMENT", "ADD_MEMBERSHIP"] } }],
    },
    select: { id: true },
  });
}

async function unassign(claim: TClaim, g: TGrant): Promise<TStepResult> {
  const next: TStepName = g.kind === "TEMP_PERMISSION_SET" ? "DELETE_PERMISSION_SET" : "END";
  if (!g.awsAccountId || !g.permissionSetArn || !g.principalId) {
    await record(claim, g, { step: next, nextRunAt: now() });
    return "continue";
  }
  if (g.kind === "PERMISSION_SET_ASSIGNMENT") {
    if (g.preExisting) return keep(claim, g, next, "standing access: the user held this assignment before the grant");
    const other = await neededElsewhere(claim, g);
    if (other) return keep(claim, g, next, `still needed by grant ${other.id}`, other.id);
  }
  const { ic } = aws(claim, g);
  // Only before activation (a reconcile re-provision clears activatedAt too): an activated grant's creation
  // has settled, and asking AWS again for every expiry would spend the sso-admin rate on nothing.
  if (!g.activatedAt && g.assignmentRequestId && (await creationInFlight(ic, g.assignmentRequestId))) {
    // A deletion that overtakes our own creation ends "Assignment not found" and the creation then
    // succeeds, leaving access behind: let the creation settle first.
    await record(claim, g, { step: "UNASSIGN", nextRunAt: new Date(Date.now() + claim.options.pollIntervalMs) });
    return "continue";
  }
  await holdAccount(claim, g, g.awsAccountId);
  let status: TAsyncStatus;
  try {
    status = await deleteAccountAssignment(ic, { accountId: g.awsAccountId, permissionSetArn: g.permissionSetArn, principalType: "USER", principalId: g.principalId });
  } catch (e) {
    // The permission set (or the user) is gone: so is the assignment.
    if (!awsErrorInfo(e).notFound) throw e;
    releaseHeld(claim);
    await record(claim, g, { step: next, nextRunAt: now() });
    return "continue";
  }
  changed(claim, g, "DeleteAccountAssignment");
  if (status.status !== "IN_PROGRESS") return settleUnassign(claim, g, status);
  claim.held.outstanding = true;
  await record(claim, g, { step: "POLL_UNASSIGN", deletionRequestId: status.requestId, nextRunAt: new Date(Date.now() + claim.options.firstPollMs) });
  return "continue";
}

async function creationInFlight(ic: TIntegrationAws["ic"], requestId: string): Promise<boolean> {
  try {
    return (await describeAssignmentCreation(ic, requestId)).status === "IN_PROGRESS";
  } catch (e) {
    if (awsErrorInfo(e).notFound) return false;
    throw e;
  }
}

/** `keptFor`: the user's other grant that still holds the access (recorded in keptForGrantId, which finish() reads). */
async function keep(claim: TClaim, g: TGrant, next: TStepName, why: string, keptFor?: string): Promise<TStepResult> {
  const statusMessage = g.preExisting ? "Access you held before this grant was left in place." : keptFor ? keptForMessage(keptFor) : null;
  // Audited with the step it records: a crash cannot leave the decision to keep access unexplained.
  await record(
    claim,
    g,
    { step: next, statusMessage, nextRunAt: now(), ...(keptFor ? { keptForGrantId: keptFor } : {}) },
    { action: "grant.assignment_kept", details: { why, ...(keptFor ? { keptForGrantId: keptFor } : {}) } },
  );
  return "continue";
}

async function pollUnassign(claim: TClaim, g: TGrant): Promise<TStepResult> {
  if (!g.deletionRequestId) {
    await record(claim, g, { step: "UNASSIGN", nextRunAt: now() });
    return "continue";
  }
  let status: TAsyncStatus;
  try {
    status = await describeAssignmentDeletion(aws(claim, g).ic, g.deletionRequestId);
  } catch (e) {
    if (!awsErrorInfo(e).notFound) throw e;
    // AWS no longer knows the request (it drops old statuses): delete again. An assignment already gone
    // ends that as done (UNASSIGN treats "not found" as removed), one still there is removed for real.
    await record(claim, g, { step: "UNASSIGN", deletionRequestId: null, nextRunAt: now() });
    return "continue";
  }
  return settleUnassign(claim, g, status);
}

async function settleUnassign(claim: TClaim, g: TGrant, status: TAsyncStatus): Promise<TStepResult> {
  if (status.status === "IN_PROGRESS") {
    claim.held.outstanding = true;
    await record(claim, g, { step: "POLL_UNASSIGN", deletionRequestId: status.requestId || g.deletionRequestId, nextRunAt: new Date(Date.now() + claim.options.pollIntervalMs) });
    return "continue";
  }
  releaseHeld(claim);
  if (status.status === "SUCCEEDED" || isAssignmentNotFound(status.failureReason)) {
    await record(claim, g, { step: g.kind === "TEMP_PERMISSION_SET" ? "DELETE_PERMISSION_SET" : "END", nextRunAt: now() });
    return "continue";
  }
  return retryRemoval(claim, g, `Assignment deletion ${status.requestId} FAILED: ${status.failureReason ?? "unknown reason"}`, "UNASSIGN");
}

async function removeTempPermissionSet(claim: TClaim, g: TGrant): Promise<TStepResult> {
  // A set whose ARN a crash kept from being recorded is not looked for here (that means describing every set
  // of the instance inside one step): it carries this grant's tags, and the reconciler removes it as an orphan.
  const arn = g.permissionSetArn;
  if (arn) {
    // Deleting the set deletes its IAM role in the account, which ends sessions started from it.
    try {
      await deletePermissionSet(aws(claim, g).ic, arn);
    } catch (e) {
      // ConflictException: the set is still assigned or provisioned. Our own assignment is gone by now, so
      // someone assigned the set outside the portal (or AWS is still busy with the account): UNASSIGN_ALL
      // removes every assignment of the grant's own set, then the delete is tried again.
      if (awsErrorInfo(e).conflict) return retryRemoval(claim, g, describeError(e), g.kind === "TEMP_PERMISSION_SET" ? "UNASSIGN_ALL" : "UNASSIGN");
      throw e;
    }
    changed(claim, g, "DeletePermissionSet");
  }
  await record(claim, g, { step: "END", nextRunAt: now() });
  return "continue";
}

/**
 * The grant's own temporary set still has assignments after ours went (someone assigned it to other users,
 * groups or accounts outside the portal), and AWS refuses to delete a set that is assigned or provisioned:
 * every assignment of it goes, in every account it is provisioned to, each deletion confirmed, and the
 * audit event lists them so admins see who had been added outside the portal. Only for a set tagged with
 * this grant's id: the set exists for this grant alone, so nothing of anyone else's standing access is in it.
 */
async function unassignAll(claim: TClaim, g: TGrant): Promise<TStepResult> {
  const arn = g.permissionSetArn;
  const { ic } = aws(claim, g);
  let tags: Record<string, string> | null = null;
  try {
    if (arn) tags = await listPermissionSetTags(ic, arn);
  } catch (e) {
    if (!awsErrorInfo(e).notFound) throw e;
  }
  if (!arn || !tags) {
    // Not recorded, or gone already: DELETE_PERMISSION_SET finds nothing to delete.
    await record(claim, g, { step: "DELETE_PERMISSION_SET", nextRunAt: now() });
    return "continue";
  }
  if (tags["grant-id"] !== g.id) {
    return retryRemoval(claim, g, `permission set ${arn} still has assignments but is not tagged grant-id=${g.id}; the portal does not remove its other assignments`, "UNASSIGN");
  }
  const accounts = new Set(await listAccountsForPermissionSet(ic, arn));
  if (g.awsAccountId) accounts.add(g.awsAccountId);
  const found: TAssignmentRef[] = [];
  for (const accountId of accounts) found.push(...(await listAccountAssignments(ic, accountId, arn)));
  // One inline wait for the whole step (each deletion is confirmed within it), not a fresh one per deletion.
  const until = Date.now() + inlineWaitLeft(claim.options);
  let removed = 0;
  for (const a of found) {
    if (removed > 0 && Date.now() >= until) {
      // Out of time with assignments left: the next claim lists what remains and goes on.
      await record(claim, g, { nextRunAt: now() });
      return "continue";
    }
    const outcome = await removeAssignmentNow(claim, g, ic, a, until);
    if (outcome === "absent") continue;
    removed += 1;
    // Audited as each deletion goes through, in the same write that renews the lease: a claim that runs out
    // of lease (or crashes) later cannot lose the record of who had been added outside the portal.
    const audit = await assignmentsRemovedAudit(claim, g, [a]);
    if (outcome === "pending") {
      // A deletion AWS has not finished: look again shortly (the list shows it until it is done).
      await record(claim, g, { nextRunAt: new Date(Date.now() + claim.options.pollIntervalMs) }, audit);
      return "continue";
    }
    await record(claim, g, {}, audit);
  }
  await record(claim, g, { step: "DELETE_PERMISSION_SET", nextRunAt: now() });
  return "continue";
}

async function assignmentsRemovedAudit(claim: TClaim, g: TGrant, removed: TAssignmentRef[]) {
  const principals = await claim.db.principal.findMany({
    where: { integrationId: g.integrationId, awsId: { in: [...new Set(removed.map((a) => a.principalId))] } },
    select: { awsId: true, displayName: true, email: true },
  });
  const names = new Map(principals.map((p) => [p.awsId, p.email ?? p.displayName]));
  const assignmentsRemoved = removed.map((a) => ({
    accountId: a.accountId,
    principalType: a.principalType,
    principalId: a.principalId,
    principalName: names.get(a.principalId) ?? null,
    addedOutsidePortal: !(a.principalType === "USER" && a.principalId === g.principalId && a.accountId === g.awsAccountId),
  }));
  const outside = assignmentsRemoved.filter((a) => a.addedOutsidePortal).length;
  return {
    action: "grant.assignments_removed",
    details: {
      permissionSetArn: g.permissionSetArn,
      permissionSetName: g.permissionSetName,
      addedOutsidePortal: outside,
      note:
        outside > 0
          ? `The grant's temporary permission set had ${outside} assignment(s) the portal did not make (added outside the portal); all were removed so the set could be deleted.`
          : "The grant's own assignment was still present; removed so the set could be deleted.",
      assignmentsRemoved,
    },
  };
}

/**
 * Deletes one assignment and waits (until `until`, the step's inline wait) until AWS confirms it: "absent" when there
 * was nothing to delete, "pending" when AWS is still at it. Holds the account and an in-flight slot meanwhile.
 */
async function removeAssignmentNow(claim: TClaim, g: TGrant, ic: TIntegrationAws["ic"], a: TAssignmentRef, until: number): Promise<"removed" | "absent" | "pending"> {
  const waitStarted = Date.now();
  const wait = Math.max(0, until - Date.now());
  const account = await acquireWithin(acquireAccount(a.accountId), wait);
  if (!account) throw new CapacityBusy();
  const slot = await acquireWithin(acquireAssignmentSlot(), wait);
  if (!slot) {
    account();
    throw new CapacityBusy();
  }
  try {
    if (Date.now() - waitStarted > 1_000) await record(claim, g, {});
    let status: TAsyncStatus;
    try {
      status = await deleteAccountAssignment(ic, a);
    } catch (e) {
      // The principal (or the account) is gone: so is the assignment.
      if (awsErrorInfo(e).notFound) return "absent";
      throw e;
    }
    changed(claim, g, "DeleteAccountAssignment");
    let pause = claim.options.firstPollMs;
    while (status.status === "IN_PROGRESS" && Date.now() + pause < until) {
      await sleep(pause);
      pause = claim.options.pollIntervalMs;
      status = await describeAssignmentDeletion(ic, status.requestId);
    }
    if (status.status === "IN_PROGRESS") return "pending";
    if (status.status === "SUCCEEDED") return "removed";
    if (isAssignmentNotFound(status.failureReason)) return "absent";
    throw new Error(`Assignment deletion ${status.requestId} FAILED: ${status.failureReason ?? "unknown reason"}`);
  } finally {
    slot();
    account();
  }
}

async function removeMembership(claim: TClaim, g: TGrant): Promise<TStepResult> {
  if (!g.groupAwsId || !g.principalId) {
    await record(claim, g, { step: "END", nextRunAt: now() });
    return "continue";
  }
  if (g.preExisting) return keep(claim, g, "END", "standing access: the user was a member before the grant");
  const other = await neededElsewhere(claim, g);
  if (other) return keep(claim, g, "END", `still needed by grant ${other.id}`, other.id);
  const { store } = aws(claim, g);
  const membershipId = g.membershipId ?? (await findGroupMembershipId(store, g.groupAwsId, g.principalId));
  if (membershipId) {
    await deleteGroupMembership(store, membershipId);
    changed(claim, g, "DeleteGroupMembership");
  }
  await mirrorMembership(claim, g, null);
  await record(claim, g, { step: "END", nextRunAt: now() });
  return "continue";
}

/** Live sessions outlast a removed assignment or membership until their session duration ends. */
function sessionsMayRemainUntil(g: TGrant, endedAt: Date): Date | null {
  if (g.kind === "TEMP_PERMISSION_SET" || g.preExisting || !g.activatedAt) return null;
  // Group access comes through permission sets assigned to the group: up to AWS's 12 h maximum.
  const ms = g.kind === "PERMISSION_SET_ASSIGNMENT" ? (isoDurationMs(g.request.permissionSet?.sessionDuration) ?? 3_600_000) : 12 * 3_600_000;
  return new Date(endedAt.getTime() + ms);
}

function keptForMessage(otherGrantId: string): string {
  return `Access still held through another grant (${otherGrantId}).`;
}

async function finish(claim: TClaim, g: TGrant, note?: string): Promise<TStepResult> {
  const endedAt = now();
  if (g.state === "FAILED") {
    await record(claim, g, { step: null }, { action: "grant.cleaned_up", details: { note: "removed what the failed grant had created" } });
    return "stop";
  }
  const final = g.revokedById ? "REVOKED" : "EXPIRED";
  // Kept because another grant of the user still holds the access: nothing was removed, no sessions to outlast it.
  const keptFor = g.preExisting ? null : g.keptForGrantId;
  const remain = keptFor ? null : sessionsMayRemainUntil(g, endedAt);
  const statusMessage = keptFor
    ? keptForMessage(keptFor)
    : remain
      ? `Removed. Sessions started before removal may remain until ${remain.toISOString().replace("T", " ").slice(0, 16)} UTC (AWS ends them when their session duration runs out).`
      : g.preExisting
        ? "Access you held before this grant was left in place."
        : null;
  await record(
    claim,
    g,
    { state: final, step: null, endedAt, sessionsMayRemainUntil: remain, statusMessage, lastError: null },
    { action: final === "REVOKED" ? "grant.revoked" : "grant.expired", details: { revokedById: g.revokedById, reason: g.revokeReason, sessionsMayRemainUntil: remain?.toISOString() ?? null, preExisting: g.preExisting, ...(note ? { note } : {}) } },
  );
  claim.notifications.push({ grantId: g.id, event: final });
  return "stop";
}

/** Audit action that records the one overdue-removal alert a grant gets. */
const REMOVAL_OVERDUE_ACTION = "grant.removal_overdue";

/**
 * Removal has been failing (lastError) and the grant is past its expiry or revoke time (a revoke moves
 * expiresAt to now) by more than removalAlertAfterMs: the access is still there when it should not be.
 * A removal that has not failed is not overdue, however late it started (a worker that was down).
 */
function removalOverdue(g: TGrant, options: TWorkerOptions): boolean {
  const removing = g.state === "REVOKING" || (g.state === "FAILED" && g.step !== null);
  // attempts counts failed removal tries (retryRemoval); fail() resets it, so a FAILED grant's own reason is not a removal failing.
  return removing && g.lastError !== null && g.attempts > 0 && Date.now() - g.expiresAt.getTime() > options.removalAlertAfterMs;
}

/**
 * Alerts the admins (after commit, like FAILED) that the grant's access is still in place past its expiry,
 * once per grant: the audit event is the record that the alert went out. Revocation keeps retrying anyway.
 */
async function alertRemovalOverdue(claim: TClaim, g: TGrant): Promise<void> {
  const details = { state: g.state, expiresAt: g.expiresAt.toISOString(), attempts: g.attempts, lastError: g.lastError };
  const sent = await record(claim, g, {}, { action: REMOVAL_OVERDUE_ACTION, once: true, details });
  if (sent) claim.notifications.push({ grantId: g.id, event: "REMOVAL_OVERDUE" });
}

// ───────────────────────────── failures ─────────────────────────────

/** Whether provisioning may have left something in AWS (a crash can hide an unrecorded create, so a started step counts). */
function created(g: TGrant): boolean {
  if (g.state === "APPROVED") return false;
  if (g.kind === "TEMP_PERMISSION_SET" && (g.permissionSetArn || g.step !== "RESOLVE_PRINCIPAL")) return true;
  return !!g.assignmentRequestId || (!!g.membershipId && !g.preExisting) || g.step === "ASSIGN" || g.step === "POLL_ASSIGNMENT" || g.step === "ADD_MEMBERSHIP";
}

/** Provisioning gives up: FAILED with a reason; anything already created is removed while step is set. */
async function fail(claim: TClaim, g: TGrant, adminReason: string, userMessage: string): Promise<TStepResult> {
  releaseHeld(claim);
  const cleanup = created(g);
  await record(
    claim,
    g,
    { state: "FAILED", step: cleanup ? firstRemovalStep(g) : null, lastError: adminReason, statusMessage: userMessage, nextRunAt: now(), attempts: 0 },
    { action: "grant.failed", details: { reason: adminReason, cleanup } },
  );
  claim.notifications.push({ grantId: g.id, event: "FAILED" });
  return cleanup ? "continue" : "stop";
}

async function retryOrFail(claim: TClaim, g: TGrant, adminReason: string, step: TStepName): Promise<TStepResult> {
  const attempts = g.attempts + 1;
  if (attempts >= claim.options.maxProvisionAttempts) {
    return fail(claim, g, `${adminReason} (gave up after ${attempts} attempts)`, "AWS could not set up this access. An administrator can retry it.");
  }
  await record(claim, g, { step, attempts, lastError: adminReason, nextRunAt: new Date(Date.now() + backoff(claim.options, attempts, claim.options.backoffMaxMs)) });
  return "continue";
}

async function retryRemoval(claim: TClaim, g: TGrant, adminReason: string, step: TStepName): Promise<TStepResult> {
  const attempts = g.attempts + 1;
  await record(claim, g, { step, attempts, lastError: adminReason, nextRunAt: new Date(Date.now() + backoff(claim.options, attempts, claim.options.revokeBackoffMaxMs)) });
  return "continue";
}

/** lastError of a grant waiting on an AWS quota starts with this. */
const QUOTA_ERROR_PREFIX = "Quota: ";

/** Audit action that records the one quota-wait alert a grant gets. */
const QUOTA_WAIT_ACTION = "grant.quota_wait";

/**
 * The grant's last attempt stopped at an AWS quota (it waits for capacity). Holds only while it is still at
 * the step that waited: moving past it clears the quota's lastError (passesQuotaWait).
 */
function waitingOnQuota(g: TGrant): boolean {
  return g.state === "PROVISIONING" && (g.lastError?.startsWith(QUOTA_ERROR_PREFIX) ?? false);
}

/**
 * The update moves a grant waiting on a quota to another step: the step that waited went through, so the grant
 * no longer waits (a stale quota error would make its expiry a quota give-up). Not the move to POLL_ASSIGNMENT:
 * an assignment is through only when AWS says it SUCCEEDED (its asynchronous status is where the role quota
 * shows), and activation clears lastError anyway.
 */
function passesQuotaWait(g: TGrant, data: Prisma.GrantUpdateManyMutationInput): boolean {
  return waitingOnQuota(g) && typeof data.step === "string" && data.step !== g.step && data.step !== "POLL_ASSIGNMENT";
}

/**
 * At expiry, whether a grant whose lastError is a quota is still stopped by it (it gives up, FAILED) or got past
 * it (it is removed as any expired grant). A retried assignment AWS is still working on is "unknown": look again
 * once it settles. One that did not fail on the quota again got past it.
 */
async function stillBlockedByQuota(claim: TClaim, g: TGrant): Promise<boolean | "unknown"> {
  if (g.step !== "POLL_ASSIGNMENT" || !g.assignmentRequestId) return true;
  let status: TAsyncStatus;
  try {
    status = await describeAssignmentCreation(aws(claim, g).ic, g.assignmentRequestId);
  } catch (e) {
    const info = awsErrorInfo(e);
    if (info.notFound) return true;
    // Not an answer: the grant keeps its quota error and asks again (handleError would overwrite the error).
    if (info.throttling || info.conflict) return "unknown";
    throw e;
  }
  if (status.status === "IN_PROGRESS") return "unknown";
  return status.status === "FAILED" && isQuotaFailure(status.failureReason);
}

/**
 * Provisioning hit an AWS quota (ServiceQuotaExceeded, or an assignment that FAILED on one). A size limit
 * of the permission set (its policy is too large, too many policies) fails at once: the same request hits
 * it again however long it waits. A capacity quota (roles or permission sets per account, sets per instance)
 * may clear, usually when an administrator makes room: the grant waits, retried every quotaRetryMs, and the
 * first wait alerts the admins once per grant (the `grant.quota_wait` audit event records that it went out).
 * With less than a quarter of its approved window left (quotaGiveUpAt) the grant gives up, FAILED, and
 * what it created is cleaned up; the retry before that is scheduled no later than that point.
 */
async function waitOnQuota(claim: TClaim, g: TGrant, quota: string, step?: TStepName): Promise<TStepResult> {
  releaseHeld(claim);
  const adminReason = `${QUOTA_ERROR_PREFIX}${quota}`.slice(0, 1000);
  if (isSizeLimitQuota(quota)) return fail(claim, g, `${adminReason} (a size limit of one permission set: retrying cannot clear it)`, SAFE_SIZE_LIMIT);
  const giveUpAt = quotaGiveUpAt(g).getTime();
  if (Date.now() >= giveUpAt) {
    return fail(claim, g, `${adminReason}; gave up waiting: less than ${QUOTA_WAIT_MIN_LEFT * 100}% of the grant's approved time was left`, SAFE_QUOTA_GAVE_UP);
  }
  const first = await record(
    claim,
    g,
    { ...(step ? { step } : {}), lastError: adminReason, statusMessage: SAFE_WAITING_QUOTA, nextRunAt: new Date(Math.min(Date.now() + claim.options.quotaRetryMs, giveUpAt)) },
    { action: QUOTA_WAIT_ACTION, once: true, details: { quota: quota.slice(0, 500), givesUpAt: new Date(giveUpAt).toISOString() } },
  );
  if (first) claim.notifications.push({ grantId: g.id, event: "QUOTA_WAIT" });
  return "continue";
}

function describeError(e: unknown): string {
  const info = awsErrorInfo(e);
  return `${info.name}: ${info.message}`.slice(0, 1000);
}

async function handleError(claim: TClaim, g: TGrant, e: unknown): Promise<TStepResult> {
  // An operation AWS is still working on (a failed poll) keeps its hold; anything else lets go.
  if (!claim.held.outstanding) releaseHeld(claim);
  const info = awsErrorInfo(e);
  const message = describeError(e);
  const removing = g.state === "REVOKING" || g.state === "FAILED";
  const step = (g.step ?? undefined) as TStepName | undefined;
  try {
    if (info.throttling) {
      // Throttling is AWS asking us to slow down, never a reason to fail a grant.
      await record(claim, g, { lastError: message, nextRunAt: new Date(Date.now() + jitter(claim.options.throttleBackoffMs * 2)) });
      return "continue";
    }
    // ConflictException outside the steps that handle their own (a taken name, a set still assigned): AWS
    // is busy with another change in the account (one role update per account at a time: other replicas,
    // Control Tower, Terraform). The SDK does not retry it; the worker waits and looks again, without
    // counting it as a failure: while provisioning the grant's expiry bounds the waiting.
    if (info.conflict) {
      const wait = backoff(claim.options, Math.min(g.attempts + 1, 4), claim.options.backoffMaxMs);
      await record(claim, g, { lastError: `Conflict: ${message}`, ...(removing ? {} : { statusMessage: SAFE_WAITING_CONFLICT }), nextRunAt: new Date(Date.now() + wait) });
      return "continue";
    }
    if (removing) return await retryRemoval(claim, g, message, step ?? firstRemovalStep(g));
    if (info.quota) return await waitOnQuota(claim, g, message);
    if (e instanceof IntegrationNotReadyError) return await fail(claim, g, `Integration not ready: ${e.message}`, "The AWS connection is not set up. An administrator has to fix it and retry.");
    const fatal = info.accessDenied || info.notFound || info.name === "ValidationException" || info.name === "AccessError";
    if (fatal) return await fail(claim, g, message, "AWS refused to set up this access. An administrator can see why and retry it.");
    return await retryOrFail(claim, g, message, step ?? "RESOLVE_PRINCIPAL");
  } catch (inner) {
    if (inner instanceof LostGrant) return "continue";
    throw inner;
  }
}
