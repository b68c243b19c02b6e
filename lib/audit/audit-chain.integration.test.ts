import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase } from "../db/test-database.ts";
import type { TDatabase } from "../db/open-database.ts";
import { appendAuditEvent } from "./append-audit-event.ts";
import { verifyAuditChain } from "./verify-audit-chain.ts";
import { checkAuditHash } from "./audit-hash.ts";
import { auditKeys } from "./audit-keys.ts";
import { listAuditEvents } from "./list-audit-events.ts";

let db: TDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => db?.close());

describe("audit chain", () => {
  it("links each event to the one before and verifies", async () => {
    const p = db.prisma;
    for (let i = 0; i < 5; i++) {
      await p.$transaction((tx) =>
        appendAuditEvent(tx, { actor: { id: "u1", email: "a@example.com" }, action: "test.event", subjectType: "Test", subjectId: String(i), details: { i, nested: { b: 1, a: 2 } } }),
      );
    }
    // Appends racing from concurrent transactions must still form one chain.
    await Promise.all(
      [5, 6, 7].map((i) => p.$transaction((tx) => appendAuditEvent(tx, { actor: "system", action: "test.concurrent", subjectType: "Test", subjectId: String(i) }))),
    );
    const report = await verifyAuditChain(p, { batchSize: 3 });
    expect(report).toMatchObject({ ok: true, count: 8 });
  });

  it("is append-only in the database: edits, deletes, truncation and forks are refused", async () => {
    const p = db.prisma;
    const [first, second] = await p.auditEvent.findMany({ orderBy: { seq: "asc" }, take: 2 });
    await expect(db.query(`UPDATE "AuditEvent" SET details = '{}' WHERE id = $1`, [first!.id])).rejects.toThrow(/append-only: UPDATE/);
    await expect(p.auditEvent.deleteMany({ where: { id: second!.id } })).rejects.toThrow(/append-only: DELETE/);
    await expect(db.exec(`TRUNCATE "AuditEvent"`)).rejects.toThrow(/append-only: TRUNCATE/);
    // A second event claiming the same predecessor (a forked chain) cannot be stored.
    await expect(
      p.auditEvent.create({ data: { action: "test.fork", subjectType: "Test", prevHash: second!.prevHash, hash: "f".repeat(64) } }),
    ).rejects.toThrow(/Unique constraint|unique/i);
    expect(await verifyAuditChain(p)).toMatchObject({ ok: true, count: 8 });
  });

  it("names the first edited event", async () => {
    const p = db.prisma;
    // Tampering from here on is by someone who owns the table and switched the guard off.
    await db.exec(`ALTER TABLE "AuditEvent" DISABLE TRIGGER USER`);
    const events = await p.auditEvent.findMany({ orderBy: { seq: "asc" } });
    const victim = events[2]!;
    await db.query(`UPDATE "AuditEvent" SET details = '{"i": 99}' WHERE id = $1`, [victim.id]);
    const report = await verifyAuditChain(p);
    expect(report.ok).toBe(false);
    if (!report.ok) {
      expect(report.brokenAt.id).toBe(victim.id);
      expect(report.brokenAt.reason).toMatch(/edited/);
      expect(report.count).toBe(2);
    }
  });

  it("names the event after a deleted one", async () => {
    const p = db.prisma;
    const events = await p.auditEvent.findMany({ orderBy: { seq: "asc" } });
    await db.query(`DELETE FROM "AuditEvent" WHERE id = $1`, [events[5]!.id]);
    await db.query(`UPDATE "AuditEvent" SET details = $2 WHERE id = $1`, [events[2]!.id, JSON.stringify({ i: 2, nested: { a: 2, b: 1 } })]);
    const report = await verifyAuditChain(p);
    expect(report.ok).toBe(false);
    if (!report.ok) {
      expect(report.brokenAt.id).toBe(events[6]!.id);
      expect(report.brokenAt.reason).toMatch(/previous-hash/);
    }
  });
});

describe("audit details", () => {
  it("records text cut in the middle of an emoji (a lone surrogate) instead of failing the change it records", async () => {
    const p = db.prisma;
    const cut = `${"x".repeat(3)}😀`.slice(0, 4);
    const event = await p.$transaction((tx) => appendAuditEvent(tx, { actor: "system", action: "test.surrogate", subjectType: "Test", details: { reason: cut, list: [cut] } }));
    expect(event.details).toEqual({ reason: "xxx\uFFFD", list: ["xxx\uFFFD"] });
    // As stored, it hashes to what was recorded (earlier tests here break the chain on purpose, so check this one).
    const stored = await p.auditEvent.findUniqueOrThrow({ where: { id: event.id } });
    expect(checkAuditHash(stored, stored.hash, auditKeys())).toEqual({ ok: true, keyed: true });
  });
});

describe("audit filters", () => {
  it("match an actor or action literally: '_' and '%' are not wildcards", async () => {
    const p = db.prisma;
    for (const email of ["j_doe@example.com", "jxdoe@example.com"]) {
      await p.$transaction((tx) => appendAuditEvent(tx, { actor: { id: null, email }, action: "test.filter_1", subjectType: "Test" }));
    }
    const actors = async (filter: { actor?: string; action?: string }) => (await listAuditEvents(p, filter)).events.map((e) => e.actorEmail).sort();
    expect(await actors({ actor: "j_doe" })).toEqual(["j_doe@example.com"]);
    expect(await actors({ actor: "%", action: "test.filter" })).toEqual([]);
    expect(await actors({ action: "test.filter_" })).toEqual(["j_doe@example.com", "jxdoe@example.com"]);
    expect(await actors({ action: "test%" })).toEqual([]);
  });
});
