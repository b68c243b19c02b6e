import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase } from "../db/test-database.ts";
import type { TDatabase } from "../db/open-database.ts";
import { appendAuditEvent } from "./append-audit-event.ts";
import { verifyAuditChain } from "./verify-audit-chain.ts";

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
    const report = await verifyAuditChain(p, 3);
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
