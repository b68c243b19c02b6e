// `npm run db:seed`: demo data for the embedded database (idempotent).
import { runScript } from "../scripts/run-script.ts";

await runScript(async () => {
  const { getDatabase } = await import("../lib/db/client.ts");
  const { seedDemoData } = await import("../lib/demo/seed-demo-data.ts");
  const database = await getDatabase();
  const result = await seedDemoData(database.prisma);
  console.log(`seeded: ${JSON.stringify(result)}`);
  await database.close();
});
