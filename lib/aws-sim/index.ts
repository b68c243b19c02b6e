import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { applyFaults, handleControl, type FaultsUpdate } from "./control";
import { isRegionName, PARTITION_INFO, partitionOfRegion, type SimPartition } from "./partition";
import { SAMPLE_ORG } from "./sample-org";
import {
  DEFAULT_QUOTAS,
  DEFAULT_RATES,
  type FaultRule,
  type RateLimit,
  type ServiceName,
  type SimConfig,
  type SimQuotas,
} from "./runtime";
import { buildSeed, parseSeedArg, type SeedSpec } from "./seeds";
import { SimServer } from "./server";
import { settleAll, settleAsyncOps } from "./services/sso-admin";
import { snapshotState } from "./snapshot";

export { SAMPLE_ORG } from "./sample-org";
export type { SeedSpec } from "./seeds";
export type { FaultRule, RateLimit, ServiceName, SimQuotas } from "./runtime";
export type { SimPartition } from "./partition";

export interface AwsSimulatorOptions {
  /** 0 (default) picks a free port */
  port?: number;
  host?: string;
  /** default "sample" */
  seed?: SeedSpec;
  /**
   * Identity Center's home region, default us-east-1. Its partition (us-gov-* GovCloud, cn-* China, else
   * commercial) sets every ARN, the enabled regions and the regions resources are seeded in; it holds across resets.
   */
  homeRegion?: string;
  /** delay before async sso-admin operations leave IN_PROGRESS; default 200 ms */
  asyncDelayMs?: number;
  /** latency added to every AWS call */
  latencyMs?: number;
  /** true/false, or rates per service; default off for the library, on for the CLI */
  throttling?: boolean | { enabled?: boolean; rates?: Partial<Record<ServiceName, RateLimit>>; perAccount?: boolean };
  faults?: Record<string, FaultRule>;
  quotas?: Partial<SimQuotas>;
  /** read AWS_SIM_* environment variables as defaults (the CLI does) */
  useEnv?: boolean;
}

export interface AwsSimulator {
  url: string;
  port: number;
  close(): Promise<void>;
  /** ready-made settings for SDK v3 clients */
  clientConfig: {
    endpoint: string;
    region: string;
    credentials: { accessKeyId: string; secretAccessKey: string };
  };
  /** the partition of `homeRegion`: every ARN the simulator writes starts `arn:<partition>:` */
  partition: SimPartition;
  homeRegion: string;
  /** where the seeds put buckets, instances and secrets */
  regions: string[];
  /** the Identity Center instance, in the simulator's partition */
  instanceArn: string;
  /** live server (state, config, log) for white-box assertions */
  server: SimServer;
  reset(seed?: SeedSpec): void;
  setFaults(update: FaultsUpdate): void;
  /** completes every IN_PROGRESS async operation now */
  settle(): void;
  snapshot(summary?: boolean): ReturnType<typeof snapshotState>;
  log(): ReturnType<SimServer["log"]["snapshot"]>;
}

function envConfig(): Partial<AwsSimulatorOptions> {
  const e = process.env;
  const out: Partial<AwsSimulatorOptions> = {};
  if (e.AWS_SIM_SEED) out.seed = parseSeedArg(e.AWS_SIM_SEED);
  if (e.AWS_SIM_HOME_REGION) out.homeRegion = e.AWS_SIM_HOME_REGION;
  if (e.AWS_SIM_ASYNC_DELAY_MS) out.asyncDelayMs = Number(e.AWS_SIM_ASYNC_DELAY_MS);
  if (e.AWS_SIM_LATENCY_MS) out.latencyMs = Number(e.AWS_SIM_LATENCY_MS);
  if (e.AWS_SIM_THROTTLING) out.throttling = !["0", "off", "false", "no"].includes(e.AWS_SIM_THROTTLING.toLowerCase());
  if (e.AWS_SIM_FAULTS) out.faults = JSON.parse(e.AWS_SIM_FAULTS) as Record<string, FaultRule>;
  return out;
}

function buildConfig(o: AwsSimulatorOptions): SimConfig {
  const t = o.throttling;
  const enabled = typeof t === "boolean" ? t : (t?.enabled ?? (t?.rates !== undefined));
  const rates = { ...DEFAULT_RATES };
  if (typeof t === "object" && t.rates) {
    for (const [svc, r] of Object.entries(t.rates)) rates[svc as ServiceName] = { ...rates[svc as ServiceName], ...r };
  }
  return {
    asyncDelayMs: o.asyncDelayMs ?? 200,
    latencyMs: o.latencyMs ?? 0,
    throttling: { enabled, rates, perAccount: typeof t === "object" ? (t.perAccount ?? false) : false },
    faults: { ...(o.faults ?? {}) },
    quotas: { ...DEFAULT_QUOTAS, ...(o.quotas ?? {}) },
    defaultSessionSeconds: 3600,
  };
}

/** Starts the simulator on an HTTP port. See lib/aws-sim/README.md for protocols and the control API. */
export async function startAwsSimulator(options: AwsSimulatorOptions = {}): Promise<AwsSimulator> {
  const o: AwsSimulatorOptions = options.useEnv ? { ...envConfig(), ...options } : options;
  const initialSeed: SeedSpec = o.seed ?? "sample";
  const homeRegion = o.homeRegion ?? SAMPLE_ORG.homeRegion;
  if (!isRegionName(homeRegion)) throw new Error(`homeRegion "${homeRegion}" is not a region name`);
  const partition = partitionOfRegion(homeRegion);
  const config = buildConfig(o);
  const sim = new SimServer(buildSeed(initialSeed, homeRegion), config);
  const reset = (seed?: SeedSpec) => {
    sim.state = buildSeed(seed ?? initialSeed, homeRegion);
    sim.throttler.reset();
  };
  const host = { sim, reset };

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = chunks.length === 0 ? "" : chunks.length === 1 ? chunks[0]!.toString("utf8") : Buffer.concat(chunks).toString("utf8");
      const url = new URL(req.url ?? "/", "http://sim.local");
      if (url.pathname.startsWith("/_sim/")) {
        handleControl(host, req, res, url, body);
        return;
      }
      sim.handle(req, res, body, url).catch((err: unknown) => {
        console.error("[aws-sim] request failed", err);
        if (!res.headersSent) res.writeHead(500).end();
      });
    });
  });
  // SDK clients keep sockets alive; a short server timeout would make them hit ECONNRESET.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(o.port ?? 0, o.host ?? "127.0.0.1", () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://${o.host && o.host !== "0.0.0.0" ? o.host : "127.0.0.1"}:${port}`;
  return {
    url,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
    partition,
    homeRegion,
    regions: [...PARTITION_INFO[partition].seededRegions],
    instanceArn: sim.state.instanceArn,
    clientConfig: {
      endpoint: url,
      region: homeRegion,
      credentials: { accessKeyId: SAMPLE_ORG.accessKeyId, secretAccessKey: SAMPLE_ORG.secretAccessKey },
    },
    server: sim,
    reset,
    setFaults: (u) => applyFaults(sim, u),
    settle: () => settleAll(sim),
    snapshot: (summary = false) => {
      settleAsyncOps(sim, Date.now());
      return snapshotState(sim.state, summary);
    },
    log: () => sim.log.snapshot(),
  };
}
