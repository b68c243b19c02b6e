import { createHash, createHmac, randomBytes, randomUUID } from "node:crypto";
import canonicalize from "canonicalize";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase } from "../db/test-database.ts";
import type { TDatabase } from "../db/open-database.ts";
import { appendAuditEvent } from "./append-audit-event.ts";
import { GENESIS_HASH, deriveAuditKey } from "./audit-hash.ts";
import { auditKeys } from "./audit-keys.ts";
import { verifyAuditChain } from "./verify-audit-chain.ts";

type TRow = Awaited<ReturnType<TDatabase["prisma"]["auditEvent"]["findFirstOrThrow"]>>;

/** What anyone with the database can compute: the unkeyed SHA-256 of the canonical event (the pre-keyed format). */
function unkeyedHash(e: Omit<TRow, "seq" | "hash">): string {
  const { id, createdAt, actorId, actorEmail, action, subjectType, subjectId, integrationId, awsAccountId, details, prevHash } = e;
  const canonical = canonicalize({ id, createdAt: createdAt.toISOString(), actorId, actorEmail, action, subjectType, subjectId, integrationId, awsAccountId, details, prevHash });
  return createHash("sha256").update(canonical!).digest("hex");
}

/** Inserts an event hashed the unkeyed way, as this portal did before keyed hashing (or as a forger would). */
async function insertUnkeyed(db: TDatabase, prevHash: string, details: Record<string, number | boolean>) {
  const event = {
    id: randomUUID(),
    createdAt: new Date(),
    actorId: null,
    actorEmail: "system",
    action: "test.legacy",
    subjectType: "Test",
    subjectId: null,
    integrationId: null,
    awsAccountId: null,
    details,
    prevHash,
  };
  return db.prisma.auditEvent.create({ data: { ...event, hash: unkeyedHash(event) } });
}

/** L1–L3 were written before keyed hashing: the operator says so (AUDIT_LEGACY_EVENTS=3). */
const verify = (options: Parameters<typeof verifyAuditChain>[1] = {}) => verifyAuditChain(db.prisma, { legacyEvents: 3, ...options });

const rows = (db: TDatabase) => db.prisma.auditEvent.findMany({ orderBy: { seq: "asc" } });

let db: TDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => db?.close());

// One chain, built and then attacked in order: L1 L2 L3 (unkeyed, from before the upgrade), K4 K5 K6 (keyed).
describe("keyed audit chain", () => {
  it("keys new events and verifies them after the unkeyed events written before keyed hashing", async () => {
    let prev = GENESIS_HASH;
    for (let i = 1; i <= 3; i++) prev = (await insertUnkeyed(db, prev, { i })).hash;
    for (let i = 4; i <= 6; i++) {
      await db.prisma.$transaction((tx) => appendAuditEvent(tx, { actor: "system", action: "test.keyed", subjectType: "Test", details: { i } }));
    }
    const chain = await rows(db);
    expect(chain.map((e) => /^h2:[0-9a-f]{8}:[0-9a-f]{64}$/.test(e.hash))).toEqual([false, false, false, true, true, true]);
    expect(chain[3]!.prevHash).toBe(chain[2]!.hash);
    expect(await verify()).toEqual({ ok: true, count: 6, lastHash: chain[5]!.hash });
  });

  it("says a keyed event is signed with a key this server does not hold, not that it was edited", async () => {
    const chain = await rows(db);
    const otherKey = deriveAuditKey(randomBytes(32));
    expect(await verify({ keys: [otherKey] })).toEqual({
      ok: false,
      count: 3,
      brokenAt: { seq: chain[3]!.seq.toString(), id: chain[3]!.id, reason: expect.stringMatching(/key this server does not hold/) },
    });
    // A server holding the old key beside a new one (after a rotation) still verifies the whole chain.
    expect(await verify({ keys: [...auditKeys(), otherKey] })).toMatchObject({ ok: true, count: 6 });
  });

  it("names an edited keyed event, even when its hash was recomputed without the key", async () => {
    await db.exec(`ALTER TABLE "AuditEvent" DISABLE TRIGGER USER`);
    const chain = await rows(db);
    const victim = chain[4]!;
    await db.query(`UPDATE "AuditEvent" SET details = '{"i": 99}' WHERE id = $1`, [victim.id]);
    expect(await verify()).toMatchObject({ ok: false, count: 4, brokenAt: { id: victim.id, reason: expect.stringMatching(/edited/) } });
    // Keeping the key id and guessing the key does not help.
    const guessed = deriveAuditKey(randomBytes(32)).secret;
    const keyId = victim.hash.split(":")[1];
    const forged = `h2:${keyId}:${createHmac("sha256", guessed).update("anything").digest("hex")}`;
    await db.query(`UPDATE "AuditEvent" SET hash = $2 WHERE id = $1`, [victim.id, forged]);
    await db.query(`UPDATE "AuditEvent" SET "prevHash" = $2 WHERE id = $1`, [chain[5]!.id, forged]);
    expect(await verify()).toMatchObject({ ok: false, count: 4, brokenAt: { id: victim.id, reason: expect.stringMatching(/edited/) } });
    // Put back as it was.
    await db.query(`UPDATE "AuditEvent" SET details = $2, hash = $3 WHERE id = $1`, [victim.id, JSON.stringify(victim.details), victim.hash]);
    await db.query(`UPDATE "AuditEvent" SET "prevHash" = $2 WHERE id = $1`, [chain[5]!.id, victim.hash]);
    expect(await verify()).toMatchObject({ ok: true, count: 6 });
  });

  it("refuses keyed events rewritten with recomputed unkeyed hashes, and unkeyed events appended after keyed ones", async () => {
    const chain = await rows(db);
    const [k5, k6] = [chain[4]!, chain[5]!];
    // The attack keyed hashing is for: rewrite an event and recompute every hash after it, the unkeyed way.
    const rewritten5 = { ...k5, details: { i: 99 } };
    const hash5 = unkeyedHash(rewritten5);
    const hash6 = unkeyedHash({ ...k6, prevHash: hash5 });
    await db.query(`UPDATE "AuditEvent" SET details = $2, hash = $3 WHERE id = $1`, [k5.id, JSON.stringify(rewritten5.details), hash5]);
    await db.query(`UPDATE "AuditEvent" SET "prevHash" = $2, hash = $3 WHERE id = $1`, [k6.id, hash5, hash6]);
    expect(await verify()).toEqual({
      ok: false,
      count: 4,
      brokenAt: { seq: k5.seq.toString(), id: k5.id, reason: expect.stringMatching(/unkeyed hash after keyed/) },
    });
    // Put back, then forge an unkeyed event at the head: no trigger needs switching off for that.
    await db.query(`UPDATE "AuditEvent" SET details = $2, hash = $3 WHERE id = $1`, [k5.id, JSON.stringify(k5.details), k5.hash]);
    await db.query(`UPDATE "AuditEvent" SET "prevHash" = $2, hash = $3 WHERE id = $1`, [k6.id, k5.hash, k6.hash]);
    await db.exec(`ALTER TABLE "AuditEvent" ENABLE TRIGGER USER`);
    expect(await verify()).toMatchObject({ ok: true, count: 6 });
    const forged = await insertUnkeyed(db, k6.hash, { forged: true });
    expect(await verify()).toEqual({
      ok: false,
      count: 6,
      brokenAt: { seq: forged.seq.toString(), id: forged.id, reason: expect.stringMatching(/unkeyed hash after keyed/) },
    });
  });

  it("refuses the whole keyed part rewritten with plain hashes: only AUDIT_LEGACY_EVENTS events may have them", async () => {
    await db.exec(`ALTER TABLE "AuditEvent" DISABLE TRIGGER USER`);
    // The forged head of the test before goes: this one starts from L1–L3, K4–K6.
    await db.exec(`DELETE FROM "AuditEvent" WHERE details->>'forged' = 'true'`);
    const chain = await rows(db);
    expect(chain).toHaveLength(6);
    expect(await verify({ legacyEvents: 0 })).toMatchObject({ ok: false, count: 0, brokenAt: { id: chain[0]!.id, reason: expect.stringMatching(/AUDIT_LEGACY_EVENTS/) } });
    try {
      // Strip every keyed event (K4 onwards, the attacker edits K5) to the plain format: no keyed event is left to follow.
      let prev = chain[2]!.hash;
      for (const e of chain.slice(3)) {
        const details = e.id === chain[4]!.id ? { i: 99 } : e.details;
        const hash = unkeyedHash({ ...e, details, prevHash: prev } as Omit<TRow, "seq" | "hash">);
        await db.query(`UPDATE "AuditEvent" SET details = $2, "prevHash" = $3, hash = $4 WHERE id = $1`, [e.id, JSON.stringify(details), prev, hash]);
        prev = hash;
      }
      expect(await verify()).toMatchObject({ ok: false, count: 3, brokenAt: { id: chain[3]!.id, reason: expect.stringMatching(/plain \(unkeyed\) hash/) } });
    } finally {
      for (const e of chain.slice(3)) await db.query(`UPDATE "AuditEvent" SET details = $2, "prevHash" = $3, hash = $4 WHERE id = $1`, [e.id, JSON.stringify(e.details), e.prevHash, e.hash]);
      await db.exec(`ALTER TABLE "AuditEvent" ENABLE TRIGGER USER`);
    }
    expect(await verify()).toMatchObject({ ok: true, count: 6 });
  });
});
