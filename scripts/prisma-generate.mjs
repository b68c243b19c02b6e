// `prisma generate` needs no schema engine, yet the CLI tries to download one unless
// PRISMA_SCHEMA_ENGINE_BINARY names a file. Point it at this script when nothing better is set.
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const env = { ...process.env, PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? fileURLToPath(import.meta.url), CHECKPOINT_DISABLE: "1" };
const result = spawnSync("prisma", ["generate"], { stdio: "inherit", env, shell: process.platform === "win32" });
process.exit(result.status ?? 1);
