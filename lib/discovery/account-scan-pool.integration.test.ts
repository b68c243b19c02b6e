import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SAMPLE_ORG, startAwsSimulator, type AwsSimulator } from "../aws-sim/index.ts";
import { RESOURCE_TYPES } from "../integrations/integration-config-schema.ts";
import { stsApi, type TSessionCredentials } from "../aws/sts-api.ts";
import { accountScanPool } from "./account-scan-pool.ts";
import type { TAccountScan } from "./fetch-account-resources.ts";
import type { TScanTarget } from "./resolve-scan-targets.ts";

const S = SAMPLE_ORG;
const MEMBERS = [S.accounts.prodWorkloads, S.accounts.devWorkloads, S.accounts.sandbox, S.accounts.securityAudit, S.accounts.logArchive, S.accounts.dataProd];
let sim: AwsSimulator;
const sessions = new Map<string, TSessionCredentials>();

const target = (accountId: string): TScanTarget => ({
  accountId,
  roleArn: `arn:aws:iam::${accountId}:role/${S.portalRoleName}`,
  externalId: S.externalId,
  regions: null,
  homeRegion: null,
  resourceTypes: [...RESOURCE_TYPES],
  tagFilters: { global: [], entry: [] },
  entryIndex: 0,
});

/** Order-free view of a scan: what discovery stores from it. */
const comparable = (s: TAccountScan) => ({
  resources: [...s.resources].sort((a, b) => a.arn.localeCompare(b.arn)),
  failedTypes: [...s.failedTypes].sort(),
  errors: [...s.errors].sort((a, b) => `${a.type}${a.region ?? ""}`.localeCompare(`${b.type}${b.region ?? ""}`)),
});

beforeAll(async () => {
  sim = await startAwsSimulator({ seed: "sample" });
  // Set before any thread starts: threads copy the environment they start with.
  process.env.AWS_ENDPOINT_URL = sim.url;
  const sts = stsApi({ accessKeyId: S.accessKeyId, secretAccessKey: S.secretAccessKey }, S.region);
  for (const id of MEMBERS) sessions.set(id, await sts.assumeRole({ roleArn: target(id).roleArn, externalId: S.externalId }));
});

afterAll(async () => {
  delete process.env.AWS_ENDPOINT_URL;
  await sim?.close();
});

describe("account scan pool", () => {
  it("finds on worker threads exactly what the server thread finds, account by account", async () => {
    const inline = accountScanPool({ threads: 0 });
    const threaded = accountScanPool({ threads: 2, inlineUpTo: 0 });
    try {
      const [here, there] = await Promise.all([
        Promise.all(MEMBERS.map((id) => inline.scan(sessions.get(id)!, target(id), S.region, S.portalRoleName))),
        Promise.all(MEMBERS.map((id) => threaded.scan(sessions.get(id)!, target(id), S.region, S.portalRoleName))),
      ]);
      expect(threaded.threadsStarted).toBe(2);
      expect(inline.threadsStarted).toBe(0);
      expect(here.reduce((n, s) => n + s.resources.length, 0)).toBe(96);
      expect(there.map(comparable)).toEqual(here.map(comparable));
      expect(there.every((s) => s.failedTypes instanceof Set)).toBe(true);
    } finally {
      await Promise.all([inline.close(), threaded.close()]);
    }
  }, 60_000);

  it("keeps a small run on the server thread", async () => {
    const pool = accountScanPool({ threads: 2, inlineUpTo: 8 });
    try {
      const scans = await Promise.all(MEMBERS.map((id) => pool.scan(sessions.get(id)!, target(id), S.region, S.portalRoleName)));
      expect(scans.reduce((n, s) => n + s.resources.length, 0)).toBe(96);
      expect(pool.threadsStarted).toBe(0);
    } finally {
      await pool.close();
    }
  });

  it("brings a refused role's errors back from the thread, explained", async () => {
    const pool = accountScanPool({ threads: 1, inlineUpTo: 0 });
    try {
      const forged = { accessKeyId: "ASIAFORGED0000000001", secretAccessKey: "not-a-real-secret-key-000000000000000000", sessionToken: "forged" };
      const scan = await pool.scan(forged, target(S.accounts.sandbox), S.region, S.portalRoleName);
      expect(scan.resources).toEqual([]);
      expect([...scan.failedTypes].sort()).toEqual([...RESOURCE_TYPES].sort());
      expect(scan.errors.length).toBeGreaterThan(0);
      expect(scan.errors.every((e) => e.error.length > 0 && e.fix.length > 0)).toBe(true);
    } finally {
      await pool.close();
    }
  }, 60_000);

  it("rejects the scans in flight when closed, and every later one", async () => {
    const pool = accountScanPool({ threads: 1, inlineUpTo: 0 });
    const inFlight = pool.scan(sessions.get(S.accounts.prodWorkloads)!, target(S.accounts.prodWorkloads), S.region, S.portalRoleName);
    await pool.close();
    await expect(inFlight).rejects.toThrow(/stopped/);
    await expect(pool.scan(sessions.get(S.accounts.prodWorkloads)!, target(S.accounts.prodWorkloads), S.region, S.portalRoleName)).rejects.toThrow(/closed/);
  });
});
