import "server-only";
import { appendAuditEvent } from "../audit/append-audit-event.ts";
import type { TDb } from "../db/client.ts";
import type { TReconcileFinding } from "../provisioning/reconcile-integration.ts";
import { alertAdmins } from "./alert-admins.ts";
import { deliverNotifications, type TDeliveryReport, type TOutboundMessage } from "./deliver-notifications.ts";
import type { TNotificationChannels } from "./notification-channels.ts";

/** Audit action recording which findings an alert went out for (the dedupe record). */
const ALERTED_ACTION = "reconcile.findings_alerted";

/**
 * How long an alerted finding stays known: one still present after this alerts again (a reminder), and the
 * lookup stays bounded. The reconciler itself reports leftovers of grants that ended up to 30 days ago.
 */
const REMEMBER_MS = 30 * 24 * 3_600_000;

/** Findings listed in one alert; the rest are counted and shown on the Grants page. */
const LISTED = 20;

/** Serialises alerting per installation: two runs finishing together must not both alert the same finding. */
const RECONCILE_ALERT_LOCK = 0x4a49524e; // "JIRN"

/**
 * Whether a finding needs an admin: leftovers, sets reported but not removed, access re-provisioned, and
 * every failure. Not an orphan the reconciler removed (fixed), nor a time-budget note (INCOMPLETE).
 */
function needsAlert(f: TReconcileFinding): boolean {
  return f.kind !== "INCOMPLETE" && f.action !== "REMOVED";
}

/**
 * The same problem seen by every run has the same key: kind and outcome, account, permission set (or group),
 * principal, and for leftovers and vanished access the grant. A run-wide ERROR has none of those: its AWS error name tells one cause from another.
 */
export function reconcileFindingKey(f: TReconcileFinding): string {
  const cause = f.kind === "ERROR" && !f.permissionSetArn && !f.principalId ? (f.detail.split(":")[0] ?? "") : "";
  // Another grant leaving (or losing) the same access is a new event, not the old one seen again.
  const grant = f.kind.startsWith("LEFTOVER_") || f.kind.startsWith("MISSING_") ? (f.grantId ?? "") : "";
  return [f.kind, f.action, f.awsAccountId ?? "", f.permissionSetArn ?? f.groupAwsId ?? "", f.principalId ?? "", cause, grant].join("|");
}

const LABELS: Record<string, string> = {
  "LEFTOVER_ASSIGNMENT|REPORTED": "Leftover assignment (grant ended, access still in AWS, not removed automatically)",
  "LEFTOVER_MEMBERSHIP|REPORTED": "Leftover group membership (grant ended, membership still in AWS, not removed automatically)",
  "ORPHAN_TEMP_PERMISSION_SET|REPORTED": "Set that looks like a portal temporary set but is not this portal's (not removed)",
  "ORPHAN_TEMP_PERMISSION_SET|FAILED": "Orphaned temporary permission set could not be removed",
  "MISSING_ASSIGNMENT|REPROVISIONED": "Live grant's assignment vanished in AWS (being set up again)",
  "MISSING_MEMBERSHIP|REPROVISIONED": "Live grant's group membership vanished in AWS (being set up again)",
};

function label(f: TReconcileFinding): string {
  return LABELS[`${f.kind}|${f.action}`] ?? (f.kind === "ERROR" ? "Reconcile error" : `${f.kind} (${f.action})`);
}

/**
 * Alerts the admins (in-app and one email, the admin fan-out) about the findings of a finished reconcile run
 * that they have not been alerted about yet: one alert per run summarising the new ones. A finding counts as
 * known by its key (reconcileFindingKey) for 30 days, so the same leftover reported by every run alerts once;
 * the `reconcile.findings_alerted` audit event, written in the same transaction as the in-app rows, is the
 * record of which keys went out. Email is sent after commit (or handed to `defer`). Never throws (failures are
 * logged); returns the delivery report (all zero when nothing is new), or null when deferred or failed. System actor: the caller
 * (worker tick or an admin's "reconcile now") already ran the reconcile.
 */
export async function notifyReconcileFindings(
  db: TDb,
  runId: string,
  options: { channels?: TNotificationChannels; defer?: (task: () => Promise<unknown>) => void; now?: Date } = {},
): Promise<TDeliveryReport | null> {
  try {
    const now = options.now ?? new Date();
    const messages = await db.$transaction(async (tx): Promise<TOutboundMessage[]> => {
      const run = await tx.reconcileRun.findUnique({ where: { id: runId }, include: { integration: { select: { id: true, name: true } } } });
      if (!run || run.status === "RUNNING") return [];
      const findings = (Array.isArray(run.findings) ? (run.findings as TReconcileFinding[]) : []).filter(needsAlert);
      if (findings.length === 0) return [];
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(${RECONCILE_ALERT_LOCK}::bigint)`;
      const earlier = await tx.auditEvent.findMany({
        where: { action: ALERTED_ACTION, integrationId: run.integrationId, createdAt: { gte: new Date(now.getTime() - REMEMBER_MS) } },
        select: { details: true },
      });
      const known = new Set(earlier.flatMap((e) => ((e.details as { keys?: unknown } | null)?.keys as string[] | undefined) ?? []));
      const fresh = new Map<string, TReconcileFinding>();
      for (const f of findings) {
        const key = reconcileFindingKey(f);
        if (!known.has(key) && !fresh.has(key)) fresh.set(key, f);
      }
      if (fresh.size === 0) return [];

      const list = [...fresh.values()];
      const principalIds = [...new Set(list.map((f) => f.principalId).filter((id): id is string => !!id))];
      const setArns = [...new Set(list.map((f) => f.permissionSetArn).filter((arn): arn is string => !!arn))];
      const groupIds = [...new Set(list.map((f) => f.groupAwsId).filter((id): id is string => !!id))];
      const [principals, sets] = await Promise.all([
        tx.principal.findMany({ where: { integrationId: run.integrationId, awsId: { in: [...principalIds, ...groupIds] } }, select: { awsId: true, email: true, displayName: true } }),
        tx.permissionSet.findMany({ where: { integrationId: run.integrationId, arn: { in: setArns } }, select: { arn: true, name: true } }),
      ]);
      const principalName = new Map(principals.map((p) => [p.awsId, p.email ?? p.displayName]));
      const setName = new Map(sets.map((s) => [s.arn, s.name]));
      const line = (f: TReconcileFinding) => {
        const where = [
          f.awsAccountId ? `account ${f.awsAccountId}` : null,
          f.permissionSetArn ? `permission set ${setName.get(f.permissionSetArn) ?? f.permissionSetArn}` : null,
          f.groupAwsId ? `group ${principalName.get(f.groupAwsId) ?? f.groupAwsId}` : null,
          f.principalId ? `user ${principalName.get(f.principalId) ?? f.principalId}` : null,
        ].filter(Boolean);
        return `- ${label(f)}${where.length ? `: ${where.join(", ")}` : ""}\n  ${f.detail.slice(0, 300)}`;
      };
      const more = list.length > LISTED ? `\n…and ${list.length - LISTED} more.` : "";
      const failed = list.filter((f) => f.action === "FAILED").length;
      const alert = await alertAdmins(tx, null, {
        kind: "reconcile.findings_admin",
        title: `Reconcile found ${list.length} new ${list.length === 1 ? "issue" : "issues"} in ${run.integration.name}${failed ? ` (${failed} failed)` : ""}`,
        body:
          `The reconciler compared AWS with the portal (run of ${run.startedAt.toISOString().replace("T", " ").slice(0, 16)} UTC) and found what needs an administrator:\n` +
          `${list.slice(0, LISTED).map(line).join("\n")}${more}\n` +
          `Each is alerted once; later runs list it on Grants until it is resolved.`,
        link: "/admin/grants",
      });
      await appendAuditEvent(tx, {
        actor: "system",
        action: ALERTED_ACTION,
        subjectType: "ReconcileRun",
        subjectId: run.id,
        integrationId: run.integrationId,
        details: { keys: [...fresh.keys()], findings: list.length, admins: alert ? alert.to.length : 0 },
      });
      return alert ? [alert] : [];
    });
    if (options.defer) {
      options.defer(() => deliverNotifications(messages, options.channels));
      return null;
    }
    return await deliverNotifications(messages, options.channels);
  } catch (error) {
    console.error("notifications: notifyReconcileFindings failed", { runId, error: error instanceof Error ? error.message : String(error) });
    return null;
  }
}
