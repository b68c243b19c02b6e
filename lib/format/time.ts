/**
 * How the portal shows durations and times, one way everywhere (client and server safe). An absolute time
 * always names its zone ("Nov 28, 2026, 2:30 PM EST"): the server formats in its own zone, usually UTC,
 * so components render times through <LocalTime>, which switches to the viewer's zone once mounted.
 */

/** "45 min", "2 h", "1 h 30 min", "1 d 4 h". */
export function formatDuration(minutes: number): string {
  if (minutes < 60) return `${minutes} min`;
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const rest = minutes % 60;
  return [days ? `${days} d` : "", hours ? `${hours} h` : "", rest ? `${rest} min` : ""].filter(Boolean).join(" ");
}

/**
 * "Nov 28, 2026, 2:30 PM EST" in the runtime's locale, in `timeZone` (default: the runtime's zone), with
 * the zone named; "—" for none. (`dateStyle` cannot be combined with `timeZoneName`, hence the fields.)
 */
export function formatDateTime(iso: string | Date | null | undefined, options: { timeZone?: string } = {}): string {
  if (!iso) return "—";
  return new Date(iso).toLocaleString(undefined, {
    year: "numeric",
    month: "short",
    day: "numeric",
    hour: "numeric",
    minute: "2-digit",
    timeZoneName: "short",
    timeZone: options.timeZone,
  });
}

/**
 * "2026-11-28 14:30 UTC": the same text in every locale and zone, so a server render and the browser's
 * first (hydrating) render agree. "—" for none.
 */
export function formatUtcDateTime(iso: string | Date | null | undefined): string {
  const date = iso ? new Date(iso) : null;
  if (!date || Number.isNaN(date.getTime())) return "—";
  return `${date.toISOString().slice(0, 16).replace("T", " ")} UTC`;
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
