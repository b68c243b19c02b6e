import { formatDuration } from "../format/time.ts";

/**
 * An extension may not leave a grant with more time ahead of it than the policy's maximum duration:
 * without this, chained extensions (each within the maximum on its own) would stretch access without
 * limit. Measured from now, or from the grant's start when it has not started yet.
 * Returns null when the extension fits, or the refusal to show the requester or approver.
 */
export function extensionOverrun(
  grant: { startsAt: Date; expiresAt: Date },
  extensionMinutes: number,
  maxDurationMinutes: number,
  now: Date,
): { userMessage: string; allowedMinutes: number } | null {
  const from = Math.max(now.getTime(), grant.startsAt.getTime());
  const aheadMs = grant.expiresAt.getTime() - from;
  if (aheadMs + extensionMinutes * 60_000 <= maxDurationMinutes * 60_000) return null;
  const allowedMinutes = Math.max(0, Math.floor((maxDurationMinutes * 60_000 - aheadMs) / 60_000));
  const ahead = formatDuration(Math.ceil(aheadMs / 60_000));
  const max = formatDuration(maxDurationMinutes);
  const userMessage =
    allowedMinutes >= 15
      ? `This access still has ${ahead} left and the policy allows at most ${max} ahead at a time: extend it by ${formatDuration(allowedMinutes)} at most now`
      : `This access still has ${ahead} left, close to the policy's maximum of ${max} ahead at a time: ask for more time nearer its end`;
  return { userMessage, allowedMinutes };
}

/**
 * The same bound for a new request next to access the requester already holds or has booked on the same
 * target and level: windows closer than the policy's maximum count as one stretch of access, which may
 * not have more than the maximum ahead of it. Without this, back-to-back bookings (each within the
 * maximum, each auto-approved) would give days of access without ever coming back. A booking at least
 * the maximum away from every other one stands alone. Returns null when it fits, or the refusal.
 */
export function bookingOverrun(
  held: readonly { startsAt: Date; expiresAt: Date }[],
  requested: { startsAt: Date; expiresAt: Date },
  maxDurationMinutes: number,
  now: Date,
): { userMessage: string } | null {
  const maxMs = maxDurationMinutes * 60_000;
  let start = requested.startsAt.getTime();
  let end = requested.expiresAt.getTime();
  const near: { startsAt: Date; expiresAt: Date }[] = [];
  // Grow the stretch until no other window lies within the maximum of it.
  for (let grew = true; grew; ) {
    grew = false;
    for (const h of held) {
      if (near.includes(h)) continue;
      if (h.startsAt.getTime() - end < maxMs && start - h.expiresAt.getTime() < maxMs) {
        near.push(h);
        start = Math.min(start, h.startsAt.getTime());
        end = Math.max(end, h.expiresAt.getTime());
        grew = true;
      }
    }
  }
  if (near.length === 0 || end - Math.max(now.getTime(), start) <= maxMs) return null;
  const max = formatDuration(maxDurationMinutes);
  const utc = (d: Date) => `${d.toISOString().replace("T", " ").slice(0, 16)} UTC`;
  // Asked for before access already booked: extending cannot help; an earlier or a later start can.
  if (near.every((h) => h.startsAt >= requested.expiresAt)) {
    const first = near.reduce((a, b) => (b.startsAt < a.startsAt ? b : a));
    return {
      userMessage: `You have this access booked from ${utc(first.startsAt)}, and the policy allows at most ${max} of it at a time: end this request at least ${max} before that starts, or change that booking`,
    };
  }
  const latest = near.reduce((a, b) => (b.expiresAt > a.expiresAt ? b : a));
  return {
    userMessage: `You already have this access until ${utc(latest.expiresAt)}, and the policy allows at most ${max} of it at a time: extend that access instead (from My requests), or choose a start at least ${max} after it ends`,
  };
}
