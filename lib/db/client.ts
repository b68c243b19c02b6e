import path from "node:path";
import { env } from "../env.ts";
import { openDatabase, type TDatabase, type TDb } from "./open-database.ts";

export type { TDb } from "./open-database.ts";

/**
 * The process-wide database. PGlite allows one instance per data directory, and Next.js may
 * evaluate this module in several bundles of one process, so the handle lives on globalThis.
 */
const holder = globalThis as unknown as { __jitDatabase?: Promise<TDatabase> };

export function getDatabase(): Promise<TDatabase> {
  holder.__jitDatabase ??= env.DATABASE_URL
    ? openDatabase({ url: env.DATABASE_URL })
    : openDatabase({ dataDir: path.join(env.DATA_DIR, "pglite") });
  return holder.__jitDatabase;
}

/** Replaces the process-wide database (tests, scripts that open their own). */
export function setDatabase(database: TDatabase) {
  holder.__jitDatabase = Promise.resolve(database);
}

export async function getDb(): Promise<TDb> {
  return (await getDatabase()).prisma;
}

/** Where the embedded database lives, for messages. */
export function describeDatabase(): string {
  return env.DATABASE_URL ? "PostgreSQL (DATABASE_URL)" : `embedded PGlite at ${path.join(env.DATA_DIR, "pglite")}`;
}
