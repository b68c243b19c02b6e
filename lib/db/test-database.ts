import { randomBytes } from "node:crypto";
import { applyMigrations } from "./migrate.ts";
import { openDatabase, type TDatabase } from "./open-database.ts";

/**
 * A fresh, migrated database for one test file: in-memory PGlite by default, or a new schema
 * in the PostgreSQL at TEST_DATABASE_URL (dropped again by `close`).
 */
export async function createTestDatabase(): Promise<TDatabase & { label: string }> {
  // eslint-disable-next-line no-restricted-properties -- tests choose their database from the environment
  const url = process.env.TEST_DATABASE_URL;
  if (!url) {
    const { PGlite } = await import("@electric-sql/pglite");
    const database = await openDatabase({ pglite: new PGlite() });
    await applyMigrations(database);
    return { ...database, label: "pglite" };
  }
  const schema = `t_${randomBytes(6).toString("hex")}`;
  const admin = await openDatabase({ url, poolMax: 1 });
  await admin.exec(`CREATE SCHEMA "${schema}"`);
  await admin.close();
  const database = await openDatabase({ url, schema, poolMax: 5 });
  await applyMigrations(database);
  return {
    ...database,
    label: "postgres",
    close: async () => {
      await database.close();
      const cleanup = await openDatabase({ url, poolMax: 1 });
      await cleanup.exec(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await cleanup.close();
    },
  };
}
