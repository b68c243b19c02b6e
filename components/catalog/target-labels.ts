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

export { formatDuration } from "@/lib/format/time";
