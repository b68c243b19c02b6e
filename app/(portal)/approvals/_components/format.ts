/** Display helpers shared by the approval cards (client and server safe). */

export { formatDateTime, formatDuration, formatRelative } from "@/lib/format/time";

export const STATUS_TONES = {
  PENDING: "amber",
  APPROVED: "green",
  DENIED: "red",
  CANCELLED: "neutral",
  TIMED_OUT: "neutral",
} as const;
