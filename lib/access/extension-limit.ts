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
