/**
 * Throughput of the AWS simulator driven by the official SDK v3 clients.
 * The simulator runs in a child process (throttling off) so client and server do not share a core;
 * besides wall-clock calls/s it reports the simulator's own CPU time per call, i.e. what one core sustains.
 *
 *   npm run bench:aws-sim -- [--seconds 5] [--concurrency 32] [--seed sample|generate:1000x50]
 */
import { Agent } from "node:http";
import { DescribeUserCommand, GetUserIdCommand, IdentitystoreClient } from "@aws-sdk/client-identitystore";
import { S3Client, ListBucketsCommand } from "@aws-sdk/client-s3";
import { DescribePermissionSetCommand, ListPermissionSetsCommand, SSOAdminClient } from "@aws-sdk/client-sso-admin";
import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";
import { SAMPLE_ORG } from "../lib/aws-sim/sample-org";
import { spawnAwsSimulator } from "./spawn-aws-simulator.ts";

const args = process.argv.slice(2);
const arg = (name: string, dflt: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? args[i + 1]! : dflt;
};
const SECONDS = Number(arg("seconds", "5"));
const CONCURRENCY = Number(arg("concurrency", "32"));
const SEED = arg("seed", "sample");


function startChild(): Promise<{ url: string; stop: () => void }> {
  return spawnAwsSimulator(["--throttling", "off", "--seed", SEED]);
}

async function stats(url: string): Promise<{ requests: number; cpuUserMs: number; cpuSystemMs: number }> {
  return (await fetch(`${url}/_sim/stats`)).json() as Promise<{ requests: number; cpuUserMs: number; cpuSystemMs: number }>;
}

interface PhaseResult {
  name: string;
  iterations: number;
  awsCalls: number;
  errors: number;
  seconds: number;
  callsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  simCpuMsPerCall: number;
  simCallsPerCoreSecond: number;
}

async function phase(url: string, name: string, callsPerIteration: number, iteration: () => Promise<void>): Promise<PhaseResult> {
  // warm-up: sockets, JIT on both sides
  await Promise.all(Array.from({ length: CONCURRENCY }, () => iteration().catch(() => undefined)));
  const before = await stats(url);
  const latencies: number[] = [];
  let errors = 0;
  const started = performance.now();
  const deadline = started + SECONDS * 1000;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (performance.now() < deadline) {
        const t = performance.now();
        try {
          await iteration();
        } catch {
          errors++;
        }
        latencies.push(performance.now() - t);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const after = await stats(url);
  latencies.sort((a, b) => a - b);
  const awsCalls = latencies.length * callsPerIteration;
  const simRequests = after.requests - before.requests;
  const cpuMs = after.cpuUserMs + after.cpuSystemMs - (before.cpuUserMs + before.cpuSystemMs);
  const perCall = simRequests > 0 ? cpuMs / simRequests : 0;
  return {
    name,
    iterations: latencies.length,
    awsCalls,
    errors,
    seconds: Number(seconds.toFixed(2)),
    callsPerSecond: Math.round(awsCalls / seconds),
    p50Ms: Number((latencies[Math.floor(latencies.length * 0.5)] ?? 0).toFixed(2)),
    p99Ms: Number((latencies[Math.floor(latencies.length * 0.99)] ?? 0).toFixed(2)),
    simCpuMsPerCall: Number(perCall.toFixed(4)),
    simCallsPerCoreSecond: perCall > 0 ? Math.round(1000 / perCall) : 0,
  };
}

async function main() {
  const sim = await startChild();
  try {
    // one shared keep-alive agent: per-iteration S3 clients reuse its sockets
    const requestHandler = { httpAgent: new Agent({ keepAlive: true, maxSockets: CONCURRENCY }) };
    const base = {
      endpoint: sim.url,
      region: SAMPLE_ORG.region,
      credentials: { accessKeyId: SAMPLE_ORG.accessKeyId, secretAccessKey: SAMPLE_ORG.secretAccessKey },
      requestHandler,
      maxAttempts: 1,
    };
    const sso = new SSOAdminClient(base);
    const ids = new IdentitystoreClient(base);
    const sts = new STSClient(base);
    const psArn = (await sso.send(new ListPermissionSetsCommand({ InstanceArn: SAMPLE_ORG.instanceArn, MaxResults: 1 }))).PermissionSets![0]!;
    const userId = (
      await ids.send(
        new GetUserIdCommand({ IdentityStoreId: SAMPLE_ORG.identityStoreId, AlternateIdentifier: { UniqueAttribute: { AttributePath: "userName", AttributeValue: SAMPLE_ORG.users.riley } } }),
      )
    ).UserId!;
    const member = SEED === "sample" ? SAMPLE_ORG.accounts.prodWorkloads : "200000000001";

    const results: PhaseResult[] = [];
    results.push(
      await phase(sim.url, "sso-admin DescribePermissionSet", 1, async () => {
        await sso.send(new DescribePermissionSetCommand({ InstanceArn: SAMPLE_ORG.instanceArn, PermissionSetArn: psArn }));
      }),
    );
    results.push(
      await phase(sim.url, "identitystore DescribeUser", 1, async () => {
        await ids.send(new DescribeUserCommand({ IdentityStoreId: SAMPLE_ORG.identityStoreId, UserId: userId }));
      }),
    );
    results.push(
      await phase(sim.url, "sts AssumeRole + s3 ListBuckets", 2, async () => {
        const c = (
          await sts.send(
            new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${member}:role/${SAMPLE_ORG.portalRoleName}`, RoleSessionName: "bench", ExternalId: SAMPLE_ORG.externalId }),
          )
        ).Credentials!;
        const s3 = new S3Client({
          ...base,
          forcePathStyle: true,
          credentials: { accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken! },
        });
        await s3.send(new ListBucketsCommand({}));
      }),
    );
    for (const r of results) {
      console.error(
        `${r.name.padEnd(34)} ${String(r.callsPerSecond).padStart(6)} calls/s  p50 ${r.p50Ms} ms  p99 ${r.p99Ms} ms  errors ${r.errors}  sim ${r.simCpuMsPerCall} ms CPU/call (~${r.simCallsPerCoreSecond} calls/s per core)`,
      );
    }
    console.log(JSON.stringify({ seconds: SECONDS, concurrency: CONCURRENCY, seed: SEED, cpus: (await import("node:os")).cpus().length, results }));
  } finally {
    sim.stop();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
