import type { TRequestView } from "@/lib/access/get-request-timeline";

export const LIVE_POLL_MS = 3_000;
export const IDLE_POLL_MS = 30_000;

/**
 * How soon My requests looks again: often while something is moving now (a decision awaited, the worker
 * setting up or removing access), otherwise rarely, but never later than the next scheduled start or
 * expiry, so a grant's change of state still shows within seconds. An active 8-hour grant alone no
 * longer means a fetch every 3 s for 8 hours.
 */
export function pollInterval(items: readonly TRequestView[] | undefined, now = Date.now()): number {
  let next = IDLE_POLL_MS;
  for (const r of items ?? []) {
    if (r.status === "PENDING") return LIVE_POLL_MS;
    const g = r.grant;
    if (!g) continue;
    if (g.state === "PROVISIONING" || g.state === "REVOKING") return LIVE_POLL_MS;
    const due = g.state === "APPROVED" ? Date.parse(g.startsAt) : g.state === "ACTIVE" ? Date.parse(g.expiresAt) : Number.NaN;
    if (!Number.isNaN(due)) next = Math.min(next, Math.max(LIVE_POLL_MS, due - now));
  }
  return next;
}
