import type { TBadgeTone } from "@/components/ui/badge";

/** Display names and badge tones of catalog item kinds. Pure. */
export const TARGET_TYPE_LABELS: Record<string, string> = {
  PERMISSION_SET: "Permission set",
  IAM_ROLE: "IAM role",
  IAM_POLICY: "IAM policy",
  S3_BUCKET: "S3 bucket",
  EC2_INSTANCE: "EC2 instance",
  SECRET: "Secret",
  GROUP: "Group",
};

export const TARGET_TYPE_TONES: Record<string, TBadgeTone> = {
  PERMISSION_SET: "violet",
  IAM_ROLE: "blue",
  IAM_POLICY: "blue",
  S3_BUCKET: "green",
  EC2_INSTANCE: "amber",
  SECRET: "red",
  GROUP: "neutral",
};

/** "45 min", "2 h", "1 d 4 h". */
export function formatDuration(minutes: number): string {
  if (minutes < 60) return `${minutes} min`;
  if (minutes < 1440) return minutes % 60 === 0 ? `${minutes / 60} h` : `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
  const days = Math.floor(minutes / 1440);
  const hours = Math.round((minutes % 1440) / 60);
  return hours ? `${days} d ${hours} h` : `${days} d`;
}
