// Provisioning worker benchmark (issue #6). Run: npm run bench:worker  (tsx --conditions=react-server,
// so the portal's own finalizeApproval runs unchanged). Last line: JSON figures.
//
// A. approval → ACTIVE latency with a 1 s simulated assignment delay, AWS default throttling on,
//    the in-process scheduler driven by kicks exactly as in the portal.
// B. 500 grants (temporary permission sets over 50 accounts) expiring within one minute under AWS's
//    default sso-admin throttle (20 req/s): lateness of each removal and the wall time to revoke them
//    all divided by the throttle-bound minimum (calls needed ÷ rate).
import { finalizeApproval } from "../lib/access/finalize-approval.ts";
import { startAwsSimulator } from "../lib/aws-sim/index.ts";
import { configureAwsRateLimits, DEFAULT_AWS_RATE_LIMITS } from "../lib/aws/aws-rate-limit.ts";
import { createTestDatabase } from "../lib/db/test-database.ts";
import type { TDb } from "../lib/db/client.ts";
import { nextDueAt } from "../lib/provisioning/claim-due-grants.ts";
import { kickWorker, workerSignal } from "../lib/provisioning/kick-worker.ts";
import { createApprovedGrant, seedFixture, type TFixture } from "../lib/provisioning/provisioning-test-kit.ts";
import { runWorkerTick } from "../lib/provisioning/run-worker-tick.ts";
import { workerOptions, type TWorkerOptions } from "../lib/provisioning/worker-options.ts";
import { createWorkerScheduler } from "../lib/provisioning/worker-scheduler.ts";

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const log = (...a: unknown[]) => console.error("[bench]", ...a);

function startScheduler(db: TDb, opts: TWorkerOptions) {
  const scheduler = createWorkerScheduler({
    intervalMs: 5_000,
    runTick: async () => ({ ...(await runWorkerTick(db, opts)), batchSize: opts.batchSize }),
    nextDueAt: () => nextDueAt(db),
    maxConcurrentTicks: 4,
    onError: (e) => log("tick error", e),
  });
  const onKick = () => scheduler.kick();
  workerSignal.on("kick", onKick);
  return {
    stop: async () => {
      workerSignal.off("kick", onKick);
      await scheduler.stop();
    },
  };
}

async function phaseA() {
  const sim = await startAwsSimulator({ seed: "sample", asyncDelayMs: 1_000, throttling: true });
  process.env.AWS_ENDPOINT_URL = sim.url;
  configureAwsRateLimits({ ...DEFAULT_AWS_RATE_LIMITS });
  const database = await createTestDatabase();
  const db = database.prisma;
  const fx: TFixture = await seedFixture(db, sim);
  const accounts = Object.keys(fx.accounts).filter((a) => a !== sim.snapshot().managementAccountId);
  const users = ["riley", "avery", "sam", "adrian"];
  const scheduler = startScheduler(db, workerOptions({ workerId: "bench-a" }));
  const approvedAt = new Map<string, number>();
  const N = 30;
  for (let i = 0; i < N; i++) {
    const t = Date.now();
    const g = await createApprovedGrant(db, fx, { kind: "bucket", user: users[i % users.length]!, accountId: accounts[i % accounts.length]! }, (id) =>
      db.$transaction((tx) => finalizeApproval(tx, id, "system")),
    );
    kickWorker("bench approval");
    approvedAt.set(g.id, t);
    // One approval a second: a busy approver queue, while keeping ~8 sso-admin calls per grant under 20 req/s.
    await sleep(1_000);
  }
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline && (await db.grant.count({ where: { state: "ACTIVE" } })) < N) await sleep(100);
  await scheduler.stop();
  const grants = await db.grant.findMany();
  const latencies = grants.filter((g) => g.activatedAt).map((g) => g.activatedAt!.getTime() - approvedAt.get(g.id)!);
  const notActive = grants.filter((g) => g.state !== "ACTIVE").length;
  log(`A: ${latencies.length}/${N} active, p50 ${pct(latencies, 50)} ms, p95 ${pct(latencies, 95)} ms, max ${Math.max(...latencies)} ms, not active ${notActive}`);
  await database.close();
  await sim.close();
  return { p50: pct(latencies, 50), p95: pct(latencies, 95), notActive };
}

async function phaseB() {
  const ACCOUNTS = 50;
  const GRANTS = 500;
  const sim = await startAwsSimulator({ seed: { generate: { accounts: ACCOUNTS, resourcesPerAccount: 0, users: 100 } }, asyncDelayMs: 50, throttling: false });
  process.env.AWS_ENDPOINT_URL = sim.url;
  configureAwsRateLimits({ "sso-admin": 500, identitystore: 500 });
  const database = await createTestDatabase();
  const db = database.prisma;
  const snap = sim.snapshot();
  const memberAccounts = (snap.accounts as { id: string }[]).map((a) => a.id).filter((id) => id !== snap.managementAccountId).slice(0, ACCOUNTS);
  const emails = Array.from({ length: 100 }, (_, i) => `user${i + 1}@example.com`);
  const fx = await seedFixture(db, sim, { userEmails: emails, accountIds: memberAccounts });
  log(`B: setting up ${GRANTS} active grants over ${memberAccounts.length} accounts…`);
  for (let i = 0; i < GRANTS; i++) {
    await createApprovedGrant(db, fx, { kind: "bucket", user: `user${(i % 100) + 1}`, accountId: memberAccounts[i % memberAccounts.length]! }, (id) =>
      db.$transaction((tx) => finalizeApproval(tx, id, "system")),
    );
  }
  const setupOpts = workerOptions({ workerId: "bench-setup", batchSize: 500, firstPollMs: 60, pollIntervalMs: 60 });
  while ((await db.grant.count({ where: { state: "ACTIVE" } })) < GRANTS) {
    await runWorkerTick(db, setupOpts);
    const bad = await db.grant.count({ where: { state: "FAILED" } });
    if (bad > 0) throw new Error(`${bad} grants failed during setup`);
  }
  log("B: all active; expiring them within one minute under AWS's default throttling");

  // AWS's defaults from here on: simulator throttling on (sso-admin 20/s), async delay 200 ms.
  sim.setFaults({ throttling: { enabled: true }, asyncDelayMs: 200 });
  configureAwsRateLimits({ ...DEFAULT_AWS_RATE_LIMITS });
  await fetch(`${sim.url}/_sim/log`, { method: "DELETE" });
  const start = Date.now() + 3_000;
  const ids = (await db.grant.findMany({ select: { id: true }, orderBy: { createdAt: "asc" } })).map((g) => g.id);
  for (let i = 0; i < ids.length; i++) {
    const at = new Date(start + Math.floor((i * 60_000) / ids.length));
    await db.grant.update({ where: { id: ids[i]! }, data: { expiresAt: at, nextRunAt: at } });
  }
  const scheduler = startScheduler(db, workerOptions({ workerId: "bench-b" }));
  const deadline = Date.now() + 600_000;
  while (Date.now() < deadline && (await db.grant.count({ where: { state: "EXPIRED" } })) < GRANTS) await sleep(250);
  await scheduler.stop();
  const grants = await db.grant.findMany();
  const lateness = grants.filter((g) => g.endedAt).map((g) => (g.endedAt!.getTime() - g.expiresAt.getTime()) / 1000);
  const firstExpiry = Math.min(...grants.map((g) => g.expiresAt.getTime()));
  const lastEnd = Math.max(...grants.map((g) => g.endedAt?.getTime() ?? Date.now()));
  const simLog = sim.log();
  const ssoCalls = Object.entries(simLog.counts).filter(([k]) => k.startsWith("sso-admin.")).reduce((n, [, v]) => n + v, 0);
  const throttled = Object.entries(simLog.errors).filter(([k]) => k.includes("Throttling")).reduce((n, [, v]) => n + v, 0);
  // The fewest calls a revoke can take: DeleteAccountAssignment, one DescribeAccountAssignmentDeletionStatus, DeletePermissionSet.
  const callsNeeded = GRANTS * 3;
  const minimumS = callsNeeded / DEFAULT_AWS_RATE_LIMITS["sso-admin"];
  const wallS = (lastEnd - firstExpiry) / 1000;
  const remaining = sim.snapshot().permissionSets.filter((p) => p.tags.some((t) => t.Key === "managed-by" && t.Value === "jit-access-portal")).length;
  log(
    `B: ${lateness.length}/${GRANTS} expired; lateness p50 ${pct(lateness, 50)} s, p95 ${pct(lateness, 95)} s, max ${Math.max(...lateness)} s; ` +
      `wall ${wallS.toFixed(1)} s vs throttle-bound ${minimumS} s; sso-admin calls ${ssoCalls} (${(ssoCalls / GRANTS).toFixed(2)} per revoke, ${throttled} throttled); ` +
      `calls by op ${JSON.stringify(simLog.counts)}; temporary sets left ${remaining}`,
  );
  await database.close();
  await sim.close();
  return { p50: pct(lateness, 50), p95: pct(lateness, 95), max: Math.max(...lateness), ratio: wallS / minimumS, callsPerRevoke: ssoCalls / GRANTS, remaining, expired: lateness.length };
}

const a = await phaseA();
const b = await phaseB();
console.log(
  JSON.stringify({
    activate_p50_ms: a.p50,
    activate_p95_ms: a.p95,
    expiry_lateness_p50_s: b.p50,
    expiry_lateness_p95_s: b.p95,
    expiry_lateness_max_s: b.max,
    revoke_ratio_to_limit: Number(b.ratio.toFixed(3)),
    sso_admin_calls_per_revoke: Number(b.callsPerRevoke.toFixed(2)),
    grants_expired: b.expired,
    temp_sets_left: b.remaining,
  }),
);
process.exit(0);
