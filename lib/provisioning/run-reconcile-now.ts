import "server-only";
import type { TDb } from "../db/client.ts";
import type { TNotificationChannels } from "../notifications/notification-channels.ts";
import { notifyReconcileFindings } from "../notifications/notify-reconcile-findings.ts";
import { reconcileIntegration } from "./reconcile-integration.ts";

/**
 * Runs the reconciler now for every enabled Identity Center integration (admin screen), audited as
 * the admin; new findings alert the admins as a scheduled run's do, each run's as it finishes. Returns a
 * summary per integration. Assumes the caller checked the admin role.
 */
export async function runReconcileNow(
  db: TDb,
  actor: { id: string; email: string },
  options: {
    /** Runs email delivery later: the server action passes Next's after() so the admin never waits on SMTP. Default: awaited inline. */
    defer?: (task: () => Promise<unknown>) => void;
    channels?: TNotificationChannels;
  } = {},
) {
  const integrations = await db.integration.findMany({ where: { enabled: true, kind: "IDENTITY_CENTER", instanceArn: { not: null } }, select: { id: true, name: true } });
  const out: { integration: string; status: string; findings: number }[] = [];
  for (const i of integrations) {
    const run = await reconcileIntegration(db, i.id, { trigger: "MANUAL", actor });
    await notifyReconcileFindings(db, run.id, { defer: options.defer, channels: options.channels });
    out.push({ integration: i.name, status: run.status, findings: Array.isArray(run.findings) ? run.findings.length : 0 });
  }
  return out;
}
