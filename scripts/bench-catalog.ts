// `npm run bench:catalog`: the catalog with 100,000 resources in 1,000 accounts.
//
// Seeds a fresh in-memory PGlite (the embedded database the demo uses; bulk inserts through
// jsonb_to_recordset, search text built by the same buildResourceSearchText discovery uses), then serves
// the catalog from a minimal node:http server that calls the SAME lib/catalog listCatalog() the /catalog
// page and GET /api/catalog call (no Next.js in the loop: this measures the query, eligibility and JSON,
// not the framework). Measures p50/p95 of sequential requests for the first page, searches and a filtered
// page. Last line: {"first_page_p95_ms":…, "search_p95_ms":…, "filter_p95_ms":…, "payload_kb":…}.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { PGlite } from "@electric-sql/pglite";
import { openDatabase } from "../lib/db/open-database.ts";
import { applyMigrations } from "../lib/db/migrate.ts";
import { buildResourceSearchText } from "../lib/catalog/search-text.ts";
import { parseCatalogQuery } from "../lib/catalog/catalog-query.ts";
import { listCatalog } from "../lib/catalog/list-catalog.ts";
import { createPolicy } from "../lib/policies/create-policy.ts";

const ACCOUNTS = 1_000;
const RESOURCES = 100_000;
const OUS = 20;
const PERMISSION_SETS = 8;
const RUNS = Number(process.env.BENCH_RUNS ?? 60);
const WARMUP = 5;
const TYPES = ["IAM_ROLE", "IAM_POLICY", "S3_BUCKET", "EC2_INSTANCE", "SECRET"] as const;
const ENVS = ["prod", "staging", "dev"];
const TEAMS = ["platform", "data", "payments", "search", "identity", "ml", "web"];
const PURPOSES = ["app", "data", "logs", "ml", "etl", "web", "api", "batch", "cache", "reports"];
const REGIONS = ["us-east-1", "eu-west-1"];

const pad = (n: number, width: number) => String(n).padStart(width, "0");

function resourceRow(i: number, integrationId: string) {
  const account = i % ACCOUNTS;
  const accountId = String(100000000000 + account);
  // Type from the "round" over accounts, so every account holds every type.
  const type = TYPES[Math.floor(i / ACCOUNTS) % TYPES.length]!;
  const purpose = PURPOSES[i % PURPOSES.length]!;
  const team = TEAMS[(i >> 3) % TEAMS.length]!;
  const environment = ENVS[account % ENVS.length]!;
  const region = REGIONS[i % 2]!;
  let name: string;
  let arn: string;
  switch (type) {
    case "IAM_ROLE":
      name = `${team}-${purpose}-role-${i}`;
      arn = `arn:aws:iam::${accountId}:role/${name}`;
      break;
    case "IAM_POLICY":
      name = `${team}-${purpose}-access-${i}`;
      arn = `arn:aws:iam::${accountId}:policy/${name}`;
      break;
    case "S3_BUCKET":
      name = `${team}-${environment}-${purpose}-${i}`;
      arn = `arn:aws:s3:::${name}`;
      break;
    case "EC2_INSTANCE":
      name = `i-${pad(i, 17)}`;
      arn = `arn:aws:ec2:${region}:${accountId}:instance/${name}`;
      break;
    case "SECRET":
      name = `${environment}/${team}/${purpose}-${i}`;
      arn = `arn:aws:secretsmanager:${region}:${accountId}:secret:${name}-AbCdEf`;
      break;
  }
  const tags: Record<string, string> = i % 3 === 2 ? {} : { environment, team };
  if (type === "EC2_INSTANCE") tags.Name = `${team}-${purpose}-${i}`;
  const regional = type === "EC2_INSTANCE" || type === "SECRET";
  return {
    id: `res${pad(i, 6)}`,
    integrationId,
    accountId: `acc${pad(account, 4)}`,
    type,
    arn,
    region: regional ? region : null,
    name,
    tags,
    attributes: type === "EC2_INSTANCE" ? { state: i % 7 === 6 ? "stopped" : "running" } : {},
    searchText: buildResourceSearchText({ name, arn, region: regional ? region : null, tags }),
  };
}

async function seed() {
  const started = performance.now();
  const database = await openDatabase({ pglite: new PGlite() });
  await applyMigrations(database);
  const db = database.prisma;
  const integration = await db.integration.create({ data: { name: "bench", authMethod: "ACCESS_KEY", identityStoreId: "d-0000000000" } });
  const integrationId = integration.id;
  const insert = async (table: string, columns: string, rows: unknown[]) => {
    for (let offset = 0; offset < rows.length; offset += 5_000) {
      await database.query(`INSERT INTO "${table}" SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(${columns})`, [JSON.stringify(rows.slice(offset, offset + 5_000))]);
    }
  };
  // OUs: Root / Workloads-N / Team-N
  const ous: { id: string; integrationId: string; awsId: string; name: string; parentId: string | null; path: string; idPath: string }[] = [
    { id: "ou-root", integrationId, awsId: "r-bnch", name: "Root", parentId: null, path: "Root", idPath: "r-bnch" },
  ];
  for (let n = 1; n <= OUS; n++) {
    const awsId = `ou-bnch-${pad(n, 8)}`;
    ous.push({ id: `ou${n}`, integrationId, awsId, name: `Unit ${n}`, parentId: "ou-root", path: `Root/Unit ${n}`, idPath: `r-bnch/${awsId}` });
  }
  await insert("OrgUnit", `id text, "integrationId" text, "awsId" text, name text, "parentId" text, path text, "idPath" text`, ous);
  const accounts = Array.from({ length: ACCOUNTS }, (_, a) => ({
    id: `acc${pad(a, 4)}`,
    integrationId,
    accountId: String(100000000000 + a),
    name: `account-${pad(a, 4)}-${ENVS[a % ENVS.length]}`,
    orgUnitId: `ou${1 + (a % OUS)}`,
  }));
  await insert("Account", `id text, "integrationId" text, "accountId" text, name text, "orgUnitId" text`, accounts);
  const resources = Array.from({ length: RESOURCES }, (_, i) => resourceRow(i, integrationId));
  await insert(
    "Resource",
    `id text, "integrationId" text, "accountId" text, type "ResourceType", arn text, region text, name text, tags jsonb, attributes jsonb, "searchText" text`,
    resources,
  );
  const permissionSets = Array.from({ length: PERMISSION_SETS }, (_, p) => ({
    id: `ps${p}`,
    integrationId,
    arn: `arn:aws:sso:::permissionSet/ssoins-0000000000000000/ps-${pad(p, 16)}`,
    name: ["AdministratorAccess", "ReadOnlyAccess", "PowerUserAccess", "Billing", "DataEngineer", "SecurityAudit", "ViewOnlyAccess", "S3ReadOnly"][p]!,
  }));
  await insert("PermissionSet", `id text, "integrationId" text, arn text, name text`, permissionSets);
  await insert(
    "PermissionSetAccount",
    `"permissionSetId" text, "accountId" text`,
    accounts.flatMap((a, index) => permissionSets.filter((_, p) => (index + p) % 2 === 0).map((ps) => ({ permissionSetId: ps.id, accountId: a.id }))),
  );
  // The requester, their groups, and policies of each delegation model so eligibility is real work.
  const user = await db.principal.create({ data: { integrationId, type: "USER", awsId: "u-bench", displayName: "Bench User", email: "bench@example.com" } });
  const groups = [];
  for (let g = 0; g < 40; g++) groups.push(await db.principal.create({ data: { integrationId, type: "GROUP", awsId: `g-${g}`, displayName: `Group ${pad(g, 2)}` } }));
  await db.principalMembership.create({ data: { groupId: groups[0]!.id, memberId: user.id } });
  const step = [{ name: "Leads", groupIds: [groups[1]!.id], quorum: 1 }];
  const base = { integrationId, requesterGroupIds: [groups[0]!.id], maxDurationMinutes: 120 };
  await createPolicy(db, "system", { ...base, name: "account", accountIds: ["100000000001", "100000000002"], autoApprove: true });
  await createPolicy(db, "system", { ...base, name: "ou", orgUnitIds: ["ou-bnch-00000001", "ou-bnch-00000002"], targetTypes: ["S3_BUCKET"], approvalSteps: step });
  await createPolicy(db, "system", { ...base, name: "permission set", targetTypes: ["PERMISSION_SET"], permissionSetIds: ["ps1"], approvalSteps: step });
  await createPolicy(db, "system", { ...base, name: "tag", tagConditions: [{ key: "environment", values: ["prod"] }], targetTypes: ["SECRET", "EC2_INSTANCE"], requireTicket: true, approvalSteps: [...step, { name: "Security", groupIds: [groups[2]!.id], quorum: 1 }] });
  await createPolicy(db, "system", { ...base, name: "group", targetTypes: ["GROUP"], groupIds: [groups[3]!.id], approvalSteps: step });
  await database.exec("ANALYZE");
  const [{ count }] = await database.query<{ count: string }>(`SELECT count(*)::text AS count FROM "Resource"`) as [{ count: string }];
  console.log(`seeded ${count} resources, ${ACCOUNTS} accounts, ${OUS} OUs in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return database;
}

function percentile(sorted: number[], p: number) {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

async function main() {
  const database = await seed();
  const server = http.createServer((req, res) => {
    void (async () => {
      try {
        const parsed = parseCatalogQuery(new URL(req.url ?? "/", "http://bench").searchParams);
        if (!parsed.success) {
          res.writeHead(400).end();
          return;
        }
        const page = await listCatalog(database.prisma, { userEmail: "bench@example.com", query: parsed.data });
        const body = JSON.stringify(page);
        res.writeHead(200, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(body) }).end(body);
      } catch (error) {
        console.error(error);
        res.writeHead(500).end();
      }
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/catalog`;

  const measure = async (label: string, paths: string[]) => {
    const times: number[] = [];
    const byPath = new Map<string, number[]>();
    let bytes = 0;
    let items = 0;
    for (let i = 0; i < WARMUP + RUNS; i++) {
      const path = paths[i % paths.length]!;
      const start = performance.now();
      const res = await fetch(`${base}${path}`);
      const text = await res.text();
      const elapsed = performance.now() - start;
      if (res.status !== 200) throw new Error(`${label}: HTTP ${res.status}`);
      if (i >= WARMUP) {
        times.push(elapsed);
        byPath.set(path, [...(byPath.get(path) ?? []), elapsed]);
      }
      bytes = Math.max(bytes, Buffer.byteLength(text));
      items = (JSON.parse(text) as { itemCount: number }).itemCount;
    }
    times.sort((a, b) => a - b);
    const result = { p50: +percentile(times, 50).toFixed(1), p95: +percentile(times, 95).toFixed(1), maxKb: +(bytes / 1024).toFixed(1), itemsLastPage: items };
    console.log(`${label.padEnd(12)} p50 ${result.p50} ms  p95 ${result.p95} ms  largest payload ${result.maxKb} KB`);
    for (const [path, list] of byPath) {
      list.sort((a, b) => a - b);
      console.log(`    ${path.slice(0, 70).padEnd(72)} p50 ${percentile(list, 50).toFixed(1)} ms  max ${list.at(-1)!.toFixed(1)} ms`);
    }
    return result;
  };

  // A later page too: keyset paging must not get slower deeper in.
  const first = await (await fetch(`${base}?`)).json() as { nextCursor: string };
  const firstPage = await measure("first page", ["?", `?cursor=${first.nextCursor}`]);
  const search = await measure("search", ["?q=payments-prod-logs", "?q=i-00000000000012345", "?q=environment%3Dprod", "?q=arn%3Aaws%3Asecretsmanager%3Aeu-west-1%3A100000000777"]);
  const filter = await measure("filter", ["?type=S3_BUCKET&tag=environment%3Dprod&ou=ou-bnch-00000001", "?type=EC2_INSTANCE&account=100000000500", "?type=PERMISSION_SET&ou=ou-bnch-00000007"]);
  server.close();
  await database.close();
  console.log(JSON.stringify({ first_page_p95_ms: firstPage.p95, search_p95_ms: search.p95, filter_p95_ms: filter.p95, payload_kb: firstPage.maxKb }));
}

await main();
