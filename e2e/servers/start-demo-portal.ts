// The demo-mode portal for the browser tests: fresh embedded database, AWS simulator, next start.
import { spawn } from "node:child_process";
import { rmSync } from "node:fs";
import path from "node:path";
import { ROOT, ensureBuild } from "./ensure-build.ts";

ensureBuild();
const dataDir = path.join(ROOT, ".data", "e2e-demo");
rmSync(dataDir, { recursive: true, force: true });
const child = spawn("npx", ["tsx", "scripts/demo.ts"], {
  cwd: ROOT,
  stdio: "inherit",
  env: { ...process.env, PORT: "3210", AWS_SIM_PORT: "4610", DATA_DIR: dataDir, WORKER_INTERVAL_MS: "1000", DISCOVERY_INLINE_SCANS: "0" },
});
for (const s of ["SIGINT", "SIGTERM"] as const) process.on(s, () => child.kill(s));
child.on("exit", (code) => process.exit(code ?? 0));
