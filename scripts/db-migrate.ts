// `npm run db:migrate`: applies prisma/migrations to PostgreSQL (DATABASE_URL) or the embedded PGlite database.
import { runScript } from "./run-script.ts";

await runScript(async () => {
  const { getDatabase, describeDatabase } = await import("../lib/db/client.ts");
  const { applyMigrations } = await import("../lib/db/migrate.ts");
  const database = await getDatabase();
  const result = await applyMigrations(database);
  console.log(`${describeDatabase()}: ${result.applied.length ? `applied ${result.applied.join(", ")}` : "up to date"} (${result.total} migrations)`);
  await database.close();
});
