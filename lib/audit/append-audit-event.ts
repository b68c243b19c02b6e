import { randomUUID } from "node:crypto";
import type { TDb } from "../db/client.ts";
import { GENESIS_HASH, auditHash } from "./audit-hash.ts";
import { auditKeys } from "./audit-keys.ts";

/** A transaction client or the client itself. */
export type TTx = Parameters<Parameters<TDb["$transaction"]>[0]>[0] | TDb;

export type TAuditActor = { id: string | null; email: string | null } | "system";

export type TAuditEventInput = {
  actor: TAuditActor;
  action: string;
  subjectType: string;
  subjectId?: string | null;
  integrationId?: string | null;
  awsAccountId?: string | null;
  details?: Record<string, unknown>;
};

/** Serialises appends across connections and replicas: the chain must never fork. */
const AUDIT_CHAIN_LOCK = 0x4a495441; // "JITA"

/**
 * A lone UTF-16 surrogate (text cut in the middle of an emoji) can be neither canonicalized for the hash
 * nor stored as JSONB: it would fail the whole transaction it records. Replaced by U+FFFD, as UTF-8 does.
 */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
function wellFormed(value: unknown): unknown {
  if (typeof value === "string") return value.replace(LONE_SURROGATE, "\uFFFD");
  if (Array.isArray(value)) return value.map(wellFormed);
  if (value !== null && typeof value === "object" && !(value instanceof Date)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, wellFormed(v)]));
  return value;
}

/**
 * Appends one event to the hash chain, its hash keyed with the chain key (see audit-hash.ts). Call it
 * inside the transaction that makes the change, so the change and its record commit together or not at
 * all, and never on the bare client: the advisory lock lasts only as long as its transaction, so two bare
 * appends could read the same last hash and fork the chain for good (TTx admits the client for read
 * helpers; this must not get it). Assumes the caller already authorised the change it records.
 */
export async function appendAuditEvent(tx: TTx, input: TAuditEventInput) {
  // Resolved before the lock: reading (or, in development, creating) the key file must not hold up other appends.
  const [signingKey] = auditKeys();
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(${AUDIT_CHAIN_LOCK}::bigint)`;
  const last = await tx.auditEvent.findFirst({ orderBy: { seq: "desc" }, select: { hash: true } });
  const actor = input.actor === "system" ? { id: null, email: "system" } : input.actor;
  const event = {
    id: randomUUID(),
    createdAt: new Date(),
    actorId: actor.id,
    actorEmail: actor.email,
    action: input.action,
    subjectType: input.subjectType,
    subjectId: input.subjectId ?? null,
    integrationId: input.integrationId ?? null,
    awsAccountId: input.awsAccountId ?? null,
    details: wellFormed(input.details ?? {}),
    prevHash: last?.hash ?? GENESIS_HASH,
  };
  return tx.auditEvent.create({ data: { ...event, details: event.details as object, hash: auditHash(event, signingKey) } });
}
