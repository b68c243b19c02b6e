// `npm run secrets:reseal`: after ENCRYPTION_KEY was rotated, seals every stored secret again with the new key.
// Run it once every replica runs with the new ENCRYPTION_KEY (and the old one in ENCRYPTION_KEY_PREVIOUS): a
// replica still holding only the old key could not read what this writes.
import { runScript } from "./run-script.ts";

await runScript(async () => {
  const { getDatabase, describeDatabase } = await import("../lib/db/client.ts");
  const { resealIntegrationSecrets } = await import("../lib/integrations/reseal-integration-secrets.ts");
  const database = await getDatabase();
  const { resealed, unreadable } = await resealIntegrationSecrets(database.prisma);
  console.log(`${describeDatabase()}: ${resealed} integration secret(s) sealed again with the current ENCRYPTION_KEY`);
  if (unreadable.length > 0) {
    console.error(`No configured key opens the stored secret of integration(s) ${unreadable.join(", ")}: add its key to ENCRYPTION_KEY_PREVIOUS, or enter the secret again in Admin → Integration.`);
    process.exitCode = 1;
  } else {
    console.log("Every stored secret is now under the current key: the old key can leave ENCRYPTION_KEY_PREVIOUS once no audit event it signed needs verifying.");
  }
  await database.close();
});
