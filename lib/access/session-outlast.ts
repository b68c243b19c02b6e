import { isoDurationMs } from "../provisioning/temp-permission-set.ts";

/** The longest console or CLI session any permission set allows (a group's access comes through them). */
const MAX_SESSION_MS = 12 * 3_600_000;

function hours(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  if (minutes % 60 !== 0) return `${minutes} minutes`;
  return minutes === 60 ? "1 hour" : `${minutes / 60} hours`;
}

/**
 * What requesters and approvers should know before access to an existing permission set or a group is
 * granted: AWS ends no session when an assignment or membership is removed (AWS-FACTS §1), so a session
 * started just before expiry lasts its full length. Null for temporary permission sets (the portal sets
 * their session length within the grant). Pure.
 */
export function sessionsOutlastNote(targetType: string, sessionDuration: string | null | undefined): string | null {
  if (targetType === "PERMISSION_SET") {
    const ms = isoDurationMs(sessionDuration) ?? 3_600_000;
    return `AWS does not end sessions when access is removed: a session started just before expiry can last up to ${hours(ms)} more (this permission set's session duration).`;
  }
  if (targetType === "GROUP") {
    return `AWS does not end sessions when access is removed: a session started just before expiry can last up to ${hours(MAX_SESSION_MS)} more (the longest session a permission set assigned to the group can allow).`;
  }
  return null;
}
