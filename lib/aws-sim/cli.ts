import { startAwsSimulator, type AwsSimulatorOptions } from "./index";
import { SAMPLE_ORG } from "./sample-org";
import { parseSeedArg } from "./seeds";

/**
 * Standalone simulator: `npm run aws-sim -- --seed sample --port 4566 --throttling on`.
 * Flags override AWS_SIM_* environment variables.
 */
function parseArgs(argv: string[]): AwsSimulatorOptions {
  const o: AwsSimulatorOptions = { useEnv: true };
  const takes = (i: number) => {
    const v = argv[i + 1];
    if (v === undefined) throw new Error(`Missing value for ${argv[i]}`);
    return v;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    switch (a) {
      case "--seed":
        o.seed = parseSeedArg(takes(i++));
        break;
      case "--home-region":
        o.homeRegion = takes(i++);
        break;
      case "--port":
        o.port = Number(takes(i++));
        break;
      case "--host":
        o.host = takes(i++);
        break;
      case "--async-delay-ms":
        o.asyncDelayMs = Number(takes(i++));
        break;
      case "--latency-ms":
        o.latencyMs = Number(takes(i++));
        break;
      case "--throttling":
        o.throttling = !["off", "false", "0", "no"].includes(takes(i++));
        break;
      case "--no-throttling":
        o.throttling = false;
        break;
      case "--faults":
        o.faults = JSON.parse(takes(i++));
        break;
      case "--help":
        console.log("usage: aws-sim [--seed sample|none|generate:AxR] [--home-region R] [--port N] [--host H] [--async-delay-ms N] [--latency-ms N] [--throttling on|off] [--faults JSON]");
        process.exit(0);
        break;
      default:
        throw new Error(`Unknown argument ${a}`);
    }
  }
  return o;
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  opts.port ??= Number(process.env.AWS_SIM_PORT ?? 4566);
  // a standalone simulator plays AWS for demos, so AWS's own rates apply unless turned off
  if (opts.throttling === undefined && process.env.AWS_SIM_THROTTLING === undefined) opts.throttling = true;
  const started = Date.now();
  const sim = await startAwsSimulator(opts);
  const summary = sim.snapshot(true);
  console.log(`AWS simulator listening on ${sim.url} (seeded ${summary.accounts.length} accounts in ${Date.now() - started} ms)`);
  console.log(`  AWS_ENDPOINT_URL=${sim.url}`);
  console.log(`  AWS_REGION=${sim.homeRegion}`);
  console.log(`  AWS_ACCESS_KEY_ID=${SAMPLE_ORG.accessKeyId}`);
  console.log(`  AWS_SECRET_ACCESS_KEY=${SAMPLE_ORG.secretAccessKey}`);
  console.log(`  partition ${sim.partition}, instance ${sim.instanceArn}, identity store ${SAMPLE_ORG.identityStoreId}`);
  console.log(`  member role ${SAMPLE_ORG.portalRoleName}, external id ${SAMPLE_ORG.externalId}`);
  console.log(`  throttling ${sim.server.config.throttling.enabled ? "on" : "off"}; control API ${sim.url}/_sim/state`);
  const stop = () => {
    void sim.close().then(() => process.exit(0));
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
