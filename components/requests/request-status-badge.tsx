import { Badge, type TBadgeTone } from "@/components/ui/badge";

const REQUEST_TONES: Record<string, TBadgeTone> = { PENDING: "amber", APPROVED: "green", DENIED: "red", CANCELLED: "neutral", TIMED_OUT: "neutral" };
const GRANT_TONES: Record<string, TBadgeTone> = {
  APPROVED: "blue",
  PROVISIONING: "blue",
  ACTIVE: "green",
  REVOKING: "amber",
  EXPIRED: "neutral",
  REVOKED: "neutral",
  FAILED: "red",
};

export function RequestStatusBadge({ status }: { status: string }) {
  return <Badge tone={REQUEST_TONES[status] ?? "neutral"}>{status.replace("_", " ")}</Badge>;
}

export function GrantStateBadge({ state }: { state: string }) {
  return <Badge tone={GRANT_TONES[state] ?? "neutral"}>access {state.toLowerCase()}</Badge>;
}
