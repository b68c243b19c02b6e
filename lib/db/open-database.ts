import { mkdirSync } from "node:fs";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { PrismaPGlite } from "pglite-prisma-adapter";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { PrismaClient } from "./generated/client.ts";

export type TDb = InstanceType<typeof PrismaClient>;

/** A database the portal can use: Prisma for the domain, raw SQL for migrations and health. */
export type TDatabase = {
  kind: "postgres" | "pglite";
  prisma: TDb;
  /** Runs one or more SQL statements (no parameters). */
  exec(sql: string): Promise<void>;
  /** Runs one parameterised statement. */
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  /** Runs `fn` on one dedicated connection (session-level locks, multi-statement transactions). */
  withSession<T>(fn: (session: TSqlSession) => Promise<T>): Promise<T>;
  close(): Promise<void>;
};

export type TSqlSession = Pick<TDatabase, "exec" | "query">;

export type TOpenDatabaseOptions =
  | { url: string; schema?: string; poolMax?: number }
  | { dataDir: string }
  | { pglite: PGlite };

/**
 * Opens PostgreSQL (production) or embedded PGlite (demo, tests) behind the same Prisma schema.
 * PGlite is one in-process connection: open it once per process (see lib/db/client.ts).
 */
export async function openDatabase(opts: TOpenDatabaseOptions): Promise<TDatabase> {
  if ("url" in opts) {
    const pool = new pg.Pool({
      connectionString: opts.url,
      max: opts.poolMax ?? 10,
      connectionTimeoutMillis: 5_000,
      ...(opts.schema ? { options: `-c search_path="${opts.schema}"` } : {}),
    });
    // An idle client that loses its server must not crash the process.
    pool.on("error", () => {});
    const adapter = new PrismaPg(pool, opts.schema ? { schema: opts.schema } : undefined);
    const prisma = new PrismaClient({ adapter });
    return {
      kind: "postgres",
      prisma,
      exec: async (sql) => {
        await pool.query(sql);
      },
      query: async <T,>(sql: string, params: unknown[] = []) => (await pool.query(sql, params)).rows as T[],
      withSession: async (fn) => {
        const client = await pool.connect();
        try {
          return await fn({
            exec: async (sql) => {
              await client.query(sql);
            },
            query: async <T,>(sql: string, params: unknown[] = []) => (await client.query(sql, params)).rows as T[],
          });
        } finally {
          client.release();
        }
      },
      close: async () => {
        await prisma.$disconnect();
        await pool.end();
      },
    };
  }
  if ("dataDir" in opts) mkdirSync(path.resolve(opts.dataDir), { recursive: true });
  const pglite = "pglite" in opts ? opts.pglite : new PGlite(path.resolve(opts.dataDir));
  await pglite.waitReady;
  const prisma = new PrismaClient({ adapter: new PrismaPGlite(pglite) });
  const self: TSqlSession = {
    exec: async (sql) => {
      await pglite.exec(sql);
    },
    query: async <T,>(sql: string, params: unknown[] = []) => (await pglite.query<T>(sql, params)).rows,
  };
  return {
    kind: "pglite",
    prisma,
    ...self,
    withSession: async (fn) => fn(self),
    close: async () => {
      await prisma.$disconnect();
      if (!pglite.closed) await pglite.close();
    },
  };
}
