"use client";

import { useSyncExternalStore } from "react";
import { formatDateTime, formatUtcDateTime } from "@/lib/format/time";

const subscribe = () => () => undefined;

/**
 * False on the server and during hydration, true after: the server cannot know the viewer's time zone,
 * so the first render must show what the server showed.
 */
export function useHasMounted(): boolean {
  return useSyncExternalStore(
    subscribe,
    () => true,
    () => false,
  );
}

/** An absolute time as text: UTC (labelled) until mounted, then the viewer's own zone (labelled). */
export function useLocalDateTime(iso: string | Date | null | undefined): string {
  return useHasMounted() ? formatDateTime(iso) : formatUtcDateTime(iso);
}

/**
 * An absolute time in the viewer's zone with the zone named ("Nov 28, 2026, 9:30 AM EST"). Server and
 * hydrating renders show "2026-11-28 14:30 UTC"; the title always carries the UTC time.
 */
export function LocalTime({ iso, className }: { iso: string | Date | null | undefined; className?: string }) {
  const text = useLocalDateTime(iso);
  const date = iso ? new Date(iso) : null;
  if (!date || Number.isNaN(date.getTime())) return <span className={className}>{text}</span>;
  return (
    <time dateTime={date.toISOString()} title={formatUtcDateTime(date)} className={className} data-local-time>
      {text}
    </time>
  );
}
