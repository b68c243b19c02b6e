/**
 * How the portal shows durations and times, one way everywhere (client and server safe). Dates use the
 * viewer's locale and time zone with a medium date and a short time ("Nov 28, 2026, 2:30 PM").
 */

/** "45 min", "2 h", "1 h 30 min", "1 d 4 h". */
export function formatDuration(minutes: number): string {
  if (minutes < 60) return `${minutes} min`;
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const rest = minutes % 60;
  return [days ? `${days} d` : "", hours ? `${hours} h` : "", rest ? `${rest} min` : ""].filter(Boolean).join(" ");
}

/** "Nov 28, 2026, 2:30 PM" in the viewer's locale; "—" for none. */
export function formatDateTime(iso: string | Date | null | undefined): string {
  if (!iso) return "—";
  return new Date(iso).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
}

/** "Nov 28, 2026". */
export function formatDate(iso: string | Date): string {
  return new Date(iso).toLocaleDateString(undefined, { dateStyle: "medium" });
}

/** "in 3 h 20 min" / "5 min ago" / "in 40 s". */
export function formatRelative(iso: string | Date, now: number = Date.now()): string {
  const ms = new Date(iso).getTime() - now;
  const abs = Math.abs(ms);
  if (abs < 1000) return "now";
  const span = abs < 60_000 ? `${Math.round(abs / 1000)} s` : formatDuration(Math.round(abs / 60_000));
  return ms > 0 ? `in ${span}` : `${span} ago`;
}
