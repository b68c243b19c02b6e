/**
 * Discovery at scale: a full sync and a no-change re-sync of a generated organization against the
 * AWS simulator (child process) with per-call latency and AWS's default throttles.
 *
 *   npm run bench:discovery -- [--accounts 1000] [--resources 50] [--latency-ms 20]
 *                              [--throttle-scope account|service] [--concurrency 128] [--threads N]
 *
 * limit_s is the least time the throttles allow for the calls the run made (successful calls from
 * the simulator's request log ÷ the family's rate; families metered per account or per
 * account+region divide by the number of buckets they spread over); ratio_to_limit = wall_s / limit_s.
 * The LAST line printed is the JSON result.
 */
import { randomBytes } from "node:crypto";
import { spawnAwsSimulator } from "./spawn-aws-simulator.ts";

const args = process.argv.slice(2);
const arg = (name: string, dflt: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? args[i + 1]! : dflt;
};
const ACCOUNTS = Number(arg("accounts", "1000"));
const RESOURCES = Number(arg("resources", "50"));
const LATENCY = Number(arg("latency-ms", "20"));
const SCOPE = arg("throttle-scope", "account");
const CONCURRENCY = Number(arg("concurrency", "128"));
const THREADS = args.includes("--threads") ? Number(arg("threads", "0")) : undefined;

process.env.ENCRYPTION_KEY ??= randomBytes(32).toString("base64");
process.env.TEST_DATABASE_URL ??= "";

type TLog = { total: number; counts: Record<string, number>; errors: Record<string, number> };
type TConfig = { throttling: { enabled: boolean; rates: Record<string, { rate: number; burst: number }>; perAccount?: boolean } };

function startSimulator(): Promise<{ url: string; stop: () => void }> {
  return spawnAwsSimulator(["--throttling", "on", "--latency-ms", String(LATENCY), "--seed", `generate:${ACCOUNTS}x${RESOURCES}`]);
}

const sim = await startSimulator();
const control = async <T,>(method: string, route: string, body?: unknown): Promise<T> => {
  const res = await fetch(`${sim.url}/_sim/${route}`, { method, headers: { "content-type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) });
  if (!res.ok) throw new Error(`${method} /_sim/${route}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
};

try {
  await control("POST", "faults", { throttling: { enabled: true, perAccount: SCOPE === "account" } });
  const simConfig = await control<TConfig>("GET", "config");
  process.env.AWS_ENDPOINT_URL = sim.url;

  const { SAMPLE_ORG } = await import("../lib/aws-sim/sample-org.ts");
  const { createTestDatabase } = await import("../lib/db/test-database.ts");
  const { saveIntegration } = await import("../lib/integrations/save-integration.ts");
  const { startDiscovery } = await import("../lib/discovery/start-discovery.ts");

  const database = await createTestDatabase();
  const db = database.prisma;
  const S = SAMPLE_ORG;
  const { id } = await saveIntegration(db, {
    actor: "system",
    config: {
      name: "bench",
      root_account: { access_key_id: S.accessKeyId, secret_access_key: S.secretAccessKey, region: S.region },
      sub_accounts: [{ account_id: "*", access_role_arn: `arn:aws:iam::*:role/${S.portalRoleName}`, external_id: S.externalId }],
      options: { sso_instance_arn: S.instanceArn },
    },
  });

  const measure = async (label: string) => {
    await control("DELETE", "log");
    const simCpu0 = await control<{ cpuUserMs: number; cpuSystemMs: number }>("GET", "stats");
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const run = await startDiscovery(db, id, { trigger: "MANUAL", actor: "system", run: { accountConcurrency: CONCURRENCY, ...(THREADS === undefined ? {} : { scanPool: { threads: THREADS } }) } });
    const summary = await run.done;
    const wall = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    const simCpu1 = await control<{ cpuUserMs: number; cpuSystemMs: number }>("GET", "stats");
    const cpuNote = `portal CPU ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s, simulator CPU ${((simCpu1.cpuUserMs + simCpu1.cpuSystemMs - simCpu0.cpuUserMs - simCpu0.cpuSystemMs) / 1000).toFixed(1)} s`;
    if (!summary) throw new Error(`${label}: the run did not finish`);
    const log = await control<TLog>("GET", "log");
    const ok: Record<string, number> = {};
    const throttled: Record<string, number> = {};
    for (const [key, n] of Object.entries(log.counts)) ok[key.split(".")[0]!] = (ok[key.split(".")[0]!] ?? 0) + n;
    for (const [key, n] of Object.entries(log.errors)) {
      const family = key.split(".")[0]!;
      ok[family] = (ok[family] ?? 0) - n;
      if (/Throttl|TooManyRequests|RequestLimitExceeded|SlowDown/.test(key)) throttled[family] = (throttled[family] ?? 0) + n;
    }
    const scanned = summary.counts.accountsScanned ?? ACCOUNTS;
    const regions = 17;
    const perFamily: Record<string, number> = {};
    for (const [family, calls] of Object.entries(ok)) {
      const rate = simConfig.throttling.rates[family]?.rate;
      if (!rate || !simConfig.throttling.enabled) continue;
      const buckets = !simConfig.throttling.perAccount ? 1 : family === "iam" || family === "s3" ? scanned : family === "ec2" || family === "secretsmanager" ? scanned * regions : 1;
      perFamily[family] = Math.ceil(calls / buckets) / rate;
    }
    const limit = Math.max(...Object.values(perFamily));
    console.log(
      `${label}: ${wall.toFixed(2)} s (${cpuNote}), status ${summary.status}, ${summary.errors.length} errors, counts ${JSON.stringify(summary.counts)}\n` +
        `  calls ${JSON.stringify(ok)}\n  throttled ${JSON.stringify(throttled)}\n  least time per family (s) ${JSON.stringify(Object.fromEntries(Object.entries(perFamily).map(([k, v]) => [k, Number(v.toFixed(2))])))}`,
    );
    if (summary.errors.length > 0) console.log(`  first errors: ${JSON.stringify(summary.errors.slice(0, 3))}`);
    return { wall, calls: ok, limit };
  };

  const first = await measure("full sync");
  const again = await measure("re-sync (nothing changed)");
  await database.close();
  console.log(
    JSON.stringify({
      wall_s: Number(first.wall.toFixed(2)),
      calls: first.calls,
      limit_s: Number(first.limit.toFixed(2)),
      ratio_to_limit: Number((first.wall / first.limit).toFixed(3)),
      resync_wall_s: Number(again.wall.toFixed(2)),
      resync_ratio_to_limit: Number((again.wall / again.limit).toFixed(3)),
      accounts: ACCOUNTS,
      resources_per_account: RESOURCES,
      latency_ms: LATENCY,
      throttle_scope: SCOPE,
    }),
  );
} finally {
  sim.stop();
}
process.exit(0);
