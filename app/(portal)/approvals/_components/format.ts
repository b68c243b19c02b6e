/** Display helpers shared by the approval cards (client and server safe). */

export function formatDuration(minutes: number): string {
  if (minutes < 60) return `${minutes} min`;
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const rest = minutes % 60;
  return [days ? `${days} d` : "", hours ? `${hours} h` : "", rest ? `${rest} min` : ""].filter(Boolean).join(" ");
}

export function formatDateTime(iso: string): string {
  return new Date(iso).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
}

/** "in 3 h 20 min" / "5 min ago", to the minute. */
export function formatRelative(iso: string, now: number = Date.now()): string {
  const diff = Math.round((new Date(iso).getTime() - now) / 60_000);
  if (diff === 0) return "now";
  const span = formatDuration(Math.abs(diff));
  return diff > 0 ? `in ${span}` : `${span} ago`;
}

export const STATUS_TONES = {
  PENDING: "amber",
  APPROVED: "green",
  DENIED: "red",
  CANCELLED: "neutral",
  TIMED_OUT: "neutral",
} as const;
