import { createHash } from "node:crypto";
import canonicalize from "canonicalize";

/** The chain's first link points at this. */
export const GENESIS_HASH = "0".repeat(64);

export type TAuditHashInput = {
  id: string;
  createdAt: Date;
  actorId: string | null;
  actorEmail: string | null;
  action: string;
  subjectType: string;
  subjectId: string | null;
  integrationId: string | null;
  awsAccountId: string | null;
  details: unknown;
  prevHash: string;
};

/** SHA-256 over the RFC 8785 canonical JSON of the event, so key order in JSONB cannot change it. */
export function auditHash(e: TAuditHashInput): string {
  const canonical = canonicalize({
    id: e.id,
    createdAt: e.createdAt.toISOString(),
    actorId: e.actorId,
    actorEmail: e.actorEmail,
    action: e.action,
    subjectType: e.subjectType,
    subjectId: e.subjectId,
    integrationId: e.integrationId,
    awsAccountId: e.awsAccountId,
    details: e.details ?? {},
    prevHash: e.prevHash,
  });
  if (canonical === undefined) throw new Error("audit event is not serialisable");
  return createHash("sha256").update(canonical).digest("hex");
}
