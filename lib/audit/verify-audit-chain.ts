import type { TDb } from "../db/client.ts";
import { GENESIS_HASH, checkAuditHash, type TAuditKey } from "./audit-hash.ts";
import { auditKeys } from "./audit-keys.ts";
import { env } from "../env.ts";

export type TAuditChainReport =
  | { ok: true; count: number; lastHash: string }
  | { ok: false; count: number; brokenAt: { seq: string; id: string; reason: string } };

const REASONS = {
  link: "its previous-hash link does not match the event before it",
  edited: "its content does not match its hash (edited)",
  // Told apart from "edited": after ENCRYPTION_KEY changed, every older event would otherwise look tampered.
  "unknown-key": "it is signed with a key this server does not hold (ENCRYPTION_KEY changed without the old one in ENCRYPTION_KEY_PREVIOUS?)",
  malformed: "its hash is in no format this server knows",
  // Unkeyed hashes are accepted only for the events from before keyed hashing: anyone who can write to the
  // database could compute one, so an unkeyed event after a keyed one is a forgery or an insertion.
  "unkeyed-after-keyed": "it has an unkeyed hash after keyed events (forged or inserted)",
  // Whoever can write to the database can also rewrite the whole keyed part with plain hashes: only the
  // operator's AUDIT_LEGACY_EVENTS, outside the database, says how many events predate keyed hashing.
  "unkeyed-beyond-legacy":
    "it has a plain (unkeyed) hash, which only events written before the chain was keyed may have (AUDIT_LEGACY_EVENTS names the last of them)",
} as const;

/**
 * Walks the whole chain in order and names the first event whose hash or link does not hold
 * (an edited, deleted or inserted row, or one signed with a key this server lacks). `keys`: the chain keys
 * to accept, by default those this server holds. Read-only; callers decide who may see the result.
 */
export async function verifyAuditChain(
  db: TDb,
  {
    batchSize = 1000,
    keys = auditKeys(),
    legacyEvents = env.AUDIT_LEGACY_EVENTS,
  }: {
    batchSize?: number;
    keys?: readonly TAuditKey[];
    /** The seq of the last event written before the chain was keyed: only events up to it may carry a plain hash. */
    legacyEvents?: number;
  } = {},
): Promise<TAuditChainReport> {
  let prevHash = GENESIS_HASH;
  let after: bigint | null = null;
  let count = 0;
  let keyedSeen = false;
  for (;;) {
    const rows: Awaited<ReturnType<typeof db.auditEvent.findMany>> = await db.auditEvent.findMany({
      where: after === null ? {} : { seq: { gt: after } },
      orderBy: { seq: "asc" },
      take: batchSize,
    });
    for (const row of rows) {
      const broken = (reason: keyof typeof REASONS): TAuditChainReport => ({
        ok: false,
        count,
        brokenAt: { seq: row.seq.toString(), id: row.id, reason: REASONS[reason] },
      });
      if (row.prevHash !== prevHash) return broken("link");
      const check = checkAuditHash(row, row.hash, keys);
      if (!check.keyed && keyedSeen) return broken("unkeyed-after-keyed");
      if (!check.keyed && row.seq > BigInt(legacyEvents)) return broken("unkeyed-beyond-legacy");
      if (!check.ok) return broken(check.problem);
      keyedSeen ||= check.keyed;
      prevHash = row.hash;
      count += 1;
    }
    if (rows.length < batchSize) return { ok: true, count, lastHash: prevHash };
    after = rows[rows.length - 1]!.seq;
  }
}
