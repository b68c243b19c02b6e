import type { TDb } from "../db/client.ts";
import { GENESIS_HASH, auditHash } from "./audit-hash.ts";

export type TAuditChainReport =
  | { ok: true; count: number; lastHash: string }
  | { ok: false; count: number; brokenAt: { seq: string; id: string; reason: string } };

/**
 * Walks the whole chain in order and names the first event whose hash or link does not hold
 * (an edited, deleted or inserted row). Read-only; callers decide who may see the result.
 */
export async function verifyAuditChain(db: TDb, batchSize = 1000): Promise<TAuditChainReport> {
  let prevHash = GENESIS_HASH;
  let after: bigint | null = null;
  let count = 0;
  for (;;) {
    const rows: Awaited<ReturnType<typeof db.auditEvent.findMany>> = await db.auditEvent.findMany({
      where: after === null ? {} : { seq: { gt: after } },
      orderBy: { seq: "asc" },
      take: batchSize,
    });
    for (const row of rows) {
      const at = { seq: row.seq.toString(), id: row.id };
      if (row.prevHash !== prevHash) {
        return { ok: false, count, brokenAt: { ...at, reason: "its previous-hash link does not match the event before it" } };
      }
      if (auditHash(row) !== row.hash) {
        return { ok: false, count, brokenAt: { ...at, reason: "its content does not match its hash (edited)" } };
      }
      prevHash = row.hash;
      count += 1;
    }
    if (rows.length < batchSize) return { ok: true, count, lastHash: prevHash };
    after = rows[rows.length - 1]!.seq;
  }
}
