// `npm run demo`: one command to a working portal. Embedded database, embedded AWS simulator
// seeded with the sample organization, demo sign-in; then Next.js on http://localhost:$PORT.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { register } from "node:module";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..");

// The seeding below runs server modules outside Next.js; `server-only` guards client bundles, so in
// this Node process it resolves to an empty module (what Next.js does for server code).
register(
  `data:text/javascript,${encodeURIComponent(
    'export async function resolve(s, c, next) { return s === "server-only" ? { url: "data:text/javascript,export {}", shortCircuit: true } : next(s, c); }',
  )}`,
);
// The demo seeds password-less demo users (an admin among them): never into a real database.
if (process.env.DATABASE_URL) {
  console.error("npm run demo uses its own embedded database: unset DATABASE_URL (it points at a real PostgreSQL) and run it again.");
  process.exit(1);
}

const port = process.env.PORT ?? "3000";
const simPort = Number(process.env.AWS_SIM_PORT ?? 4566);

process.env.DEMO_MODE = "1";
process.env.NEXT_TELEMETRY_DISABLED = "1";
process.env.NEXTAUTH_URL ??= `http://localhost:${port}`;
process.env.ADMIN_EMAILS ??= "adrian@example.com";

// The simulator runs in this process; the portal reaches it through the SDK's standard endpoint setting.
const sim = await import("../lib/aws-sim/index.ts").then(
  (m) => m.startAwsSimulator({ port: simPort, host: "127.0.0.1", seed: "sample" }),
  (e: unknown) => {
    console.error(`AWS simulator failed to start on port ${simPort}: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  },
);
process.env.AWS_ENDPOINT_URL = sim.url;
console.log(`AWS simulator (sample organization) on ${sim.url}`);

const { runScript } = await import("./run-script.ts");
await runScript(async () => {
  const { getDatabase, describeDatabase } = await import("../lib/db/client.ts");
  const { applyMigrations } = await import("../lib/db/migrate.ts");
  const { seedDemoData, seedDemoIntegration } = await import("../lib/demo/seed-demo-data.ts");
  const database = await getDatabase();
  const migrated = await applyMigrations(database);
  const seeded = await seedDemoData(database.prisma);
  console.log(`${describeDatabase()}: ${migrated.applied.length} migrations applied, seeded ${JSON.stringify(seeded)}`);
  // Connect the sample organization and discover it before the portal starts, so the catalog is full.
  const started = Date.now();
  const demo = await seedDemoIntegration(database.prisma);
  console.log(`Demo integration: ${JSON.stringify(demo)} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  // PGlite is single-process: hand the data directory to the Next.js server.
  await database.close();
});

const built = existsSync(path.join(root, ".next", "BUILD_ID"));
const next = path.join(root, "node_modules", ".bin", "next");
const child = spawn(next, [built ? "start" : "dev", "--port", port], { cwd: root, stdio: "inherit", env: process.env });
console.log(`Portal starting on http://localhost:${port} (${built ? "production build" : "development server"})`);

const stop = (signal: NodeJS.Signals) => {
  child.kill(signal);
  void sim.close();
};
process.on("SIGINT", () => stop("SIGINT"));
process.on("SIGTERM", () => stop("SIGTERM"));
child.on("exit", (code) => {
  void sim.close().finally(() => process.exit(code ?? 0));
});
