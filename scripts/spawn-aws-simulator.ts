import { spawn } from "node:child_process";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..");

/**
 * Starts the AWS simulator's CLI in a child process (so a benchmark's client side does not share
 * its core) on a free port, with the given CLI flags, and resolves once it is listening.
 */
export async function spawnAwsSimulator(flags: string[]): Promise<{ url: string; stop: () => void }> {
  // The benchmarks speak to the commercial sample organization: an AWS_SIM_HOME_REGION in the shell must not move it.
  const region = flags.includes("--home-region") ? [] : ["--home-region", "us-east-1"];
  const child = spawn(process.execPath, ["--import", "tsx", path.join(root, "lib/aws-sim/cli.ts"), "--port", "0", ...region, ...flags], {
    cwd: root,
    stdio: ["ignore", "pipe", "inherit"],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let buf = "";
    child.stdout.on("data", (d: Buffer) => {
      buf += d.toString();
      const m = /listening on (http:\/\/[^\s]+)/.exec(buf);
      if (m) resolve(m[1]!);
    });
    child.once("exit", (code) => reject(new Error(`simulator exited with ${code}`)));
  });
  child.stdout.resume();
  return { url, stop: () => child.kill("SIGTERM") };
}
