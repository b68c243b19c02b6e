import { createHash, randomUUID } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import type { TDatabase, TSqlSession } from "./open-database.ts";

export const MIGRATIONS_DIR = path.resolve(import.meta.dirname, "../../prisma/migrations");

/** Prisma's own advisory-lock key, so this runner and `prisma migrate deploy` never interleave. */
const PRISMA_MIGRATE_LOCK = 72707369;

export type TMigration = { name: string; sql: string; checksum: string };

export async function readMigrations(dir = MIGRATIONS_DIR): Promise<TMigration[]> {
  const entries = (await readdir(dir, { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => e.name);
  entries.sort();
  return Promise.all(
    entries.map(async (name) => {
      const sql = await readFile(path.join(dir, name, "migration.sql"), "utf8");
      return { name, sql, checksum: createHash("sha256").update(sql).digest("hex") };
    }),
  );
}

/**
 * Applies prisma/migrations in order and records them in `_prisma_migrations` exactly as
 * `prisma migrate deploy` does, so either tool can take over from the other.
 * Refuses to continue when an applied migration's file was edited afterwards.
 */
export async function applyMigrations(database: Pick<TDatabase, "withSession">, dir = MIGRATIONS_DIR) {
  const migrations = await readMigrations(dir);
  return database.withSession((db) => applyOnSession(db, migrations));
}

async function applyOnSession(db: TSqlSession, migrations: TMigration[]) {
  await db.query("SELECT pg_advisory_lock($1)", [PRISMA_MIGRATE_LOCK]);
  try {
    await db.exec(`CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
      "id" VARCHAR(36) PRIMARY KEY NOT NULL,
      "checksum" VARCHAR(64) NOT NULL,
      "finished_at" TIMESTAMPTZ,
      "migration_name" VARCHAR(255) NOT NULL,
      "logs" TEXT,
      "rolled_back_at" TIMESTAMPTZ,
      "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(),
      "applied_steps_count" INTEGER NOT NULL DEFAULT 0
    )`);
    const applied = await db.query<{ migration_name: string; checksum: string; finished_at: Date | null }>(
      `SELECT migration_name, checksum, finished_at FROM "_prisma_migrations" WHERE rolled_back_at IS NULL`,
    );
    const byName = new Map(applied.map((a) => [a.migration_name, a]));
    const ran: string[] = [];
    for (const m of migrations) {
      const prior = byName.get(m.name);
      if (prior?.finished_at) {
        if (prior.checksum !== m.checksum) {
          throw new Error(`Migration ${m.name} was edited after it was applied (checksum differs). Add a new migration instead.`);
        }
        continue;
      }
      if (prior) throw new Error(`Migration ${m.name} failed earlier and was not rolled back; fix the database by hand first.`);
      const id = randomUUID();
      await db.exec(`BEGIN;\n${m.sql}\n;COMMIT;`).catch(async (e: unknown) => {
        await db.exec("ROLLBACK").catch(() => {});
        throw new Error(`Migration ${m.name} failed: ${e instanceof Error ? e.message : String(e)}`);
      });
      await db.query(
        `INSERT INTO "_prisma_migrations" (id, checksum, finished_at, migration_name, applied_steps_count) VALUES ($1, $2, now(), $3, 1)`,
        [id, m.checksum, m.name],
      );
      ran.push(m.name);
    }
    return { applied: ran, total: migrations.length };
  } finally {
    await db.query("SELECT pg_advisory_unlock($1)", [PRISMA_MIGRATE_LOCK]);
  }
}
