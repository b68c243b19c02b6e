/** Share of its approved window a grant waiting on an AWS quota must still have left to keep waiting. */
export const QUOTA_WAIT_MIN_LEFT = 0.25;

/**
 * When a grant that waits on an AWS quota gives up (FAILED): once less than a quarter of its approved window
 * (startsAt → expiresAt, an extension included) is left, access that arrives that late is of little use, and a
 * quota that has not cleared by then needs an administrator anyway. Pure; no authorization.
 */
export function quotaGiveUpAt(grant: { startsAt: Date; expiresAt: Date }): Date {
  const window = Math.max(0, grant.expiresAt.getTime() - grant.startsAt.getTime());
  return new Date(grant.expiresAt.getTime() - window * QUOTA_WAIT_MIN_LEFT);
}
