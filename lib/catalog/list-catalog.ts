import "server-only";
import { Prisma } from "../db/generated/client.ts";
import type { TDb } from "../db/client.ts";
import { evaluateAccessLevels, type TEvaluationTarget } from "../access/evaluate-policies";
import { formatDuration } from "../format/time.ts";
import { listAccessLevels } from "../access/access-levels";
import { RESOURCE_TYPES, type TTargetType } from "../access/target-types";
import { AppError } from "../errors/app-error.ts";
import { loadEligibilityContext, tagsOf, type TEligibilityContext } from "./load-eligibility-context.ts";
import { parseTagFilter } from "./catalog-query";
import { escapeLikePattern } from "../db/escape-like.ts";
import type { TCatalogQuery } from "./catalog-query";

/**
 * The catalog: what discovery found in one integration, grouped by AWS account, with each item's
 * eligibility for the signed-in requester. Assumes the caller authenticated the user whose email it
 * passes; everything shown is read-only discovery data, and eligibility is advisory here (the submit
 * action evaluates again on the server).
 *
 * Paging is keyset over (account name, account id, kind, lower(name), id), LIMIT n+1; the whole filtered
 * set is never loaded. Search is a substring match on the lower-cased search column (Resource.searchText,
 * maintained by discovery through buildResourceSearchText). Measured by scripts/bench-catalog.ts.
 */

export type TCatalogEligibility =
  | {
      eligible: true;
      /** The levels that can be requested, each with its own rules. */
      allowedAccessLevels: { id: string; label: string; autoApprove: boolean; maxDurationMinutes: number }[];
      /** The most permissive level's rules (automatic first, then the longest maximum). */
      maxDurationMinutes: number;
      autoApprove: boolean;
      /** The badge: "Approved automatically · up to 8 h", "Automatic for Read · up to 8 h", "Needs approval · up to 1 h". */
      summary: string;
    }
  | { eligible: false; reasons: string[] };

export type TCatalogItem = {
  /** Resource.id or PermissionSet.id (or Principal.id for groups). */
  id: string;
  type: TTargetType;
  name: string;
  arn: string | null;
  region: string | null;
  tags: Record<string, string>;
  /** A few type-specific facts worth showing (EC2 state, permission set description). */
  detail: string | null;
  eligibility: TCatalogEligibility;
  /** The requester's own open request or live access for this target, if any (newest). */
  mine: TMyOpenRequest | null;
};

export type TMyOpenRequest = { requestId: string; state: "PENDING" | "PROVISIONING" | "ACTIVE"; expiresAt: string | null };

export type TCatalogAccountGroup = {
  accountRowId: string;
  accountId: string;
  name: string;
  ouPath: string | null;
  items: TCatalogItem[];
};

export type TCatalogGroupsSection = { items: TCatalogItem[]; total: number; truncated: boolean };

export type TCatalogPage = {
  status: "NO_INTEGRATION" | "READY";
  integrations: { id: string; name: string }[];
  integration: { id: string; name: string; identityStoreId: string | null; lastSyncAt: string | null } | null;
  /** Whether anything was discovered at all (for the empty state). */
  discovered: boolean;
  identity: { linked: boolean; displayName: string | null; groupCount: number };
  accounts: TCatalogAccountGroup[];
  groups: TCatalogGroupsSection | null;
  itemCount: number;
  nextCursor: string | null;
};

type TCursor = [accountName: string, accountId: string, rank: number, sortName: string, id: string];


/** Groups are few (an identity store rarely has more than a few thousand): one bounded list per page. */
const GROUPS_LIMIT = 50;

function encodeCursor(cursor: TCursor): string {
  return Buffer.from(JSON.stringify(cursor)).toString("base64url");
}

function decodeCursor(value: string): TCursor {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(value, "base64url").toString("utf8"));
    if (
      Array.isArray(parsed) &&
      parsed.length === 5 &&
      typeof parsed[0] === "string" &&
      typeof parsed[1] === "string" &&
      typeof parsed[2] === "number" &&
      typeof parsed[3] === "string" &&
      typeof parsed[4] === "string"
    ) {
      return parsed as TCursor;
    }
  } catch {
    // fall through
  }
  throw new AppError("INVALID_INPUT", { message: "bad catalog cursor", userMessage: "That page link is not valid; start from the first page." });
}

type TRow = {
  id: string;
  type: string;
  rank: number;
  name: string;
  sort_name: string;
  arn: string;
  region: string | null;
  tags: unknown;
  detail: string | null;
  account_row_id: string;
  account_id: string;
  account_name: string;
  ou_path: string | null;
  ou_id_path: string | null;
};

/** The integrations a requester can browse, and the one this page shows. */
export async function resolveCatalogIntegration(db: TDb, requested?: string) {
  const integrations = await db.integration.findMany({
    where: { enabled: true },
    orderBy: { name: "asc" },
    select: { id: true, name: true, identityStoreId: true, lastSyncAt: true },
  });
  const integration = (requested ? integrations.find((i) => i.id === requested) : undefined) ?? integrations[0] ?? null;
  return { integrations, integration };
}

/**
 * The catalog's eligibility for one target: each level the requester is covered for is evaluated on its
 * own (evaluateAccessLevels, as submit evaluates it), so a policy for another level cannot hide or
 * mislabel it. Pure, no database access: the catalog calls it for every item on a page.
 */
export function evaluateCatalogTarget(context: TEligibilityContext, target: TEvaluationTarget): TCatalogEligibility {
  const evaluation = evaluateAccessLevels(context.policies, target, context.requester);
  if (!evaluation.eligible) return { eligible: false, reasons: evaluation.reasons };
  const labels = new Map(listAccessLevels(target.targetType).map((level) => [level.id, level.label]));
  const levels = evaluation.levels.map((level) => ({
    id: level.accessLevel,
    label: labels.get(level.accessLevel) ?? level.accessLevel,
    autoApprove: level.effective.autoApprove,
    maxDurationMinutes: level.effective.maxDurationMinutes,
  }));
  // Most permissive: automatic before needing approval, then the longest maximum, then least privileged.
  const best = levels.reduce((a, b) =>
    b.autoApprove !== a.autoApprove ? (b.autoApprove ? b : a) : b.maxDurationMinutes > a.maxDurationMinutes ? b : a,
  );
  const automatic = levels.filter((level) => level.autoApprove);
  const summary =
    automatic.length === 0
      ? `Needs approval · up to ${formatDuration(best.maxDurationMinutes)}`
      : automatic.length === levels.length
        ? `Approved automatically · up to ${formatDuration(best.maxDurationMinutes)}`
        : `Automatic for ${automatic.map((level) => level.label).join(", ")} · up to ${formatDuration(best.maxDurationMinutes)}`;
  return { eligible: true, allowedAccessLevels: levels, maxDurationMinutes: best.maxDurationMinutes, autoApprove: best.autoApprove, summary };
}

/** Which accounts one item query covers: a short list, or every account after a given one in catalog order. */
type TAccountScope = { ids: string[] } | { after: { name: string; accountId: string } | null };

/**
 * Leaves out the management account when the portal is Identity Center's delegated administrator
 * (managementOutOfReach): nothing there could be granted.
 */
const REACHABLE_ACCOUNT = Prisma.sql`NOT (a."isManagement" AND EXISTS (
  SELECT 1 FROM "Integration" ig WHERE ig.id = a."integrationId" AND ig."rootAccountId" IS NOT NULL AND ig."rootAccountId" <> a."accountId"))`;

/**
 * Leaves out, for a delegated administrator, a permission set also provisioned to the management account
 * (permissionSetOutOfReach): AWS refuses to assign it in any account.
 */
const REACHABLE_PERMISSION_SET = Prisma.sql`NOT EXISTS (
  SELECT 1 FROM "PermissionSetAccount" m JOIN "Account" ma ON ma.id = m."accountId" JOIN "Integration" ig ON ig.id = ma."integrationId"
  WHERE m."permissionSetId" = ps.id AND m."deletedAt" IS NULL AND ma."isManagement"
    AND ig."rootAccountId" IS NOT NULL AND ig."rootAccountId" <> ma."accountId")`;

function itemQuery(integrationId: string, query: TCatalogQuery, limit: number, scope: TAccountScope): Prisma.Sql {
  const type = query.type;
  const includeResources = !type || (RESOURCE_TYPES as readonly string[]).includes(type);
  const includePermissionSets = !type || type === "PERMISSION_SET";
  const parts: Prisma.Sql[] = [];
  if (includeResources) {
    parts.push(Prisma.sql`
      SELECT r.id, r.type::text AS type,
             CASE r.type WHEN 'IAM_ROLE' THEN 1 WHEN 'IAM_POLICY' THEN 2 WHEN 'S3_BUCKET' THEN 3 WHEN 'EC2_INSTANCE' THEN 4 ELSE 5 END AS rank,
             r.name, lower(r.name) AS sort_name, r.arn, r.region, r.tags,
             CASE WHEN r.type = 'EC2_INSTANCE' THEN r.attributes->>'state' ELSE NULL END AS detail,
             r."accountId" AS account_row_id, r."searchText" AS search_text
      FROM "Resource" r
      WHERE r."integrationId" = ${integrationId} AND r."deletedAt" IS NULL ${"ids" in scope ? Prisma.sql`AND r."accountId" IN (${Prisma.join(scope.ids)})` : Prisma.empty}
        ${type ? Prisma.sql`AND r.type = ${type}::"ResourceType"` : Prisma.empty}`);
  }
  if (includePermissionSets) {
    parts.push(Prisma.sql`
      SELECT ps.id, 'PERMISSION_SET' AS type, 0 AS rank, ps.name, lower(ps.name) AS sort_name, ps.arn, NULL AS region, ps.tags,
             ps.description AS detail, psa."accountId" AS account_row_id,
             lower(ps.name || ' ' || ps.arn || ' ' || coalesce(ps.description, '') || ' ' ||
                   coalesce((SELECT string_agg(t.key || '=' || t.value, ' ') FROM jsonb_each_text(CASE WHEN jsonb_typeof(ps.tags) = 'object' THEN ps.tags ELSE '{}'::jsonb END) t), '')) AS search_text
      FROM "PermissionSetAccount" psa JOIN "PermissionSet" ps ON ps.id = psa."permissionSetId"
      WHERE ps."integrationId" = ${integrationId} AND ps."deletedAt" IS NULL AND psa."deletedAt" IS NULL AND ps."portalManaged" = false
        AND ${REACHABLE_PERMISSION_SET}
        ${"ids" in scope ? Prisma.sql`AND psa."accountId" IN (${Prisma.join(scope.ids)})` : Prisma.empty}`);
  }
  const conditions: Prisma.Sql[] = [Prisma.sql`a."deletedAt" IS NULL`, Prisma.sql`a.state = 'ACTIVE'`, REACHABLE_ACCOUNT];
  if (query.q) conditions.push(Prisma.sql`i.search_text LIKE ${`%${escapeLikePattern(query.q.toLowerCase())}%`}`);
  if (query.account) conditions.push(Prisma.sql`a."accountId" = ${query.account}`);
  if (query.ou) conditions.push(Prisma.sql`('/' || o."idPath" || '/') LIKE ${`%/${escapeLikePattern(query.ou)}/%`}`);
  if (query.tag) {
    const tag = parseTagFilter(query.tag);
    conditions.push(
      tag.value === undefined
        ? Prisma.sql`jsonb_exists(i.tags, ${tag.key})`
        : Prisma.sql`i.tags @> jsonb_build_object(${tag.key}::text, ${tag.value}::text)`,
    );
  }
  if ("after" in scope && scope.after) conditions.push(Prisma.sql`(a.name, a."accountId") > (${scope.after.name}, ${scope.after.accountId})`);
  if (query.cursor) {
    const [accountName, accountId, rank, sortName, id] = decodeCursor(query.cursor);
    conditions.push(Prisma.sql`(a.name, a."accountId", i.rank, i.sort_name, i.id) > (${accountName}, ${accountId}, ${rank}::int, ${sortName}, ${id})`);
  }
  return Prisma.sql`
    SELECT i.id, i.type, i.rank::int AS rank, i.name, i.sort_name, i.arn, i.region, i.tags, i.detail,
           a.id AS account_row_id, a."accountId" AS account_id, a.name AS account_name, o.path AS ou_path, o."idPath" AS ou_id_path
    FROM (${Prisma.join(parts, " UNION ALL ")}) i
    JOIN "Account" a ON a.id = i.account_row_id
    LEFT JOIN "OrgUnit" o ON o.id = a."orgUnitId"
    WHERE ${Prisma.join(conditions, " AND ")}
    ORDER BY a.name, a."accountId", i.rank, i.sort_name, i.id
    LIMIT ${limit + 1}`;
}

function showsGroups(query: TCatalogQuery): boolean {
  return (!query.type || query.type === "GROUP") && !query.account && !query.ou && !query.tag && !query.cursor;
}

/**
 * The requester's requests still waiting for a decision and grants still being set up or live, keyed by
 * target (`r|resourceId`, `ps|permissionSetId|accountRowId`, `g|groupId`), so the catalog can say
 * "you already asked" instead of inviting a duplicate. A user has few open requests: one small query.
 */
async function loadMyOpenRequests(db: TDb, userEmail: string, integrationId: string): Promise<Map<string, TMyOpenRequest>> {
  // One statement (the catalog's hot path); the request's status index and the user's email index serve it.
  const rows = await db.$queryRaw<
    { id: string; status: string; resourceId: string | null; permissionSetId: string | null; accountId: string | null; groupId: string | null; grantState: string | null; expiresAt: Date | null }[]
  >(Prisma.sql`
    SELECT r.id, r.status::text AS status, r."resourceId", r."permissionSetId", r."accountId", r."groupId", g.state::text AS "grantState", g."expiresAt"
    FROM "AccessRequest" r
    JOIN "User" u ON u.id = r."requesterId"
    LEFT JOIN "Grant" g ON g."requestId" = r.id
    WHERE u.email = ${userEmail} AND r."integrationId" = ${integrationId} AND r."extendsGrantId" IS NULL
      AND (r.status = 'PENDING' OR (r.status = 'APPROVED' AND g.state IN ('APPROVED', 'PROVISIONING', 'ACTIVE')))
    ORDER BY r."createdAt" DESC
    LIMIT 500`);
  const out = new Map<string, TMyOpenRequest>();
  for (const r of rows.reverse()) {
    const key = r.resourceId ? `r|${r.resourceId}` : r.permissionSetId ? `ps|${r.permissionSetId}|${r.accountId ?? ""}` : r.groupId ? `g|${r.groupId}` : null;
    if (!key) continue;
    const state = r.status === "PENDING" ? "PENDING" : r.grantState === "ACTIVE" ? "ACTIVE" : "PROVISIONING";
    const previous = out.get(key);
    // Live access says more than a pending request; among equals the newest wins (rows are oldest first).
    if (previous && previous.state !== "PENDING" && state === "PENDING") continue;
    out.set(key, { requestId: r.id, state, expiresAt: state === "ACTIVE" ? (r.expiresAt?.toISOString() ?? null) : null });
  }
  return out;
}

async function listGroups(db: TDb, integrationId: string, query: TCatalogQuery, context: TEligibilityContext, mine: Map<string, TMyOpenRequest>): Promise<TCatalogGroupsSection> {
  const where = {
    integrationId,
    type: "GROUP" as const,
    deletedAt: null,
    ...(query.q
      ? // Prisma passes `contains` to LIKE unescaped: "%" or "_" would match every group.
        { OR: [{ displayName: { contains: escapeLikePattern(query.q), mode: "insensitive" as const } }, { description: { contains: escapeLikePattern(query.q), mode: "insensitive" as const } }] }
      : {}),
  };
  const [rows, total] = await Promise.all([
    db.principal.findMany({ where, orderBy: [{ displayName: "asc" }, { id: "asc" }], take: GROUPS_LIMIT, select: { id: true, displayName: true, awsId: true, description: true } }),
    db.principal.count({ where }),
  ]);
  return {
    total,
    truncated: total > rows.length,
    items: rows.map((group) => ({
      id: group.id,
      type: "GROUP",
      name: group.displayName,
      arn: null,
      region: null,
      tags: {},
      detail: group.description,
      eligibility: evaluateCatalogTarget(context, { integrationId, targetType: "GROUP", groupId: group.id, tags: {} }),
      mine: mine.get(`g|${group.id}`) ?? null,
    })),
  };
}

/** Accounts fetched by explicit id before the rest in one query: the first page usually fills from the first few. */
const ACCOUNT_BATCHES = [8, 48];

/**
 * Walks accounts in catalog order (name, id) from the cursor's account: items for the first few
 * accounts by id (an unfiltered page then sorts a few hundred rows, not the whole table), then one query
 * over every later account (a selective search is one scan). Batches follow account order, so
 * concatenating their results keeps the global order.
 */
async function queryItems(db: TDb, integrationId: string, query: TCatalogQuery, limit: number): Promise<TRow[]> {
  const cursor = query.cursor ? decodeCursor(query.cursor) : null;
  const accountConditions: Prisma.Sql[] = [Prisma.sql`a."integrationId" = ${integrationId}`, Prisma.sql`a."deletedAt" IS NULL`, Prisma.sql`a.state = 'ACTIVE'`, REACHABLE_ACCOUNT];
  if (query.account) accountConditions.push(Prisma.sql`a."accountId" = ${query.account}`);
  if (query.ou) accountConditions.push(Prisma.sql`('/' || o."idPath" || '/') LIKE ${`%/${escapeLikePattern(query.ou)}/%`}`);
  if (cursor) accountConditions.push(Prisma.sql`(a.name, a."accountId") >= (${cursor[0]}, ${cursor[1]})`);
  const head = ACCOUNT_BATCHES.reduce((sum, size) => sum + size, 0);
  const accounts = await db.$queryRaw<{ id: string; name: string; accountId: string }[]>(Prisma.sql`
    SELECT a.id, a.name, a."accountId" FROM "Account" a LEFT JOIN "OrgUnit" o ON o.id = a."orgUnitId"
    WHERE ${Prisma.join(accountConditions, " AND ")}
    ORDER BY a.name, a."accountId" LIMIT ${head + 1}`);
  const rows: TRow[] = [];
  let offset = 0;
  for (const size of ACCOUNT_BATCHES) {
    const ids = accounts.slice(offset, Math.min(offset + size, head)).map((a) => a.id);
    if (ids.length === 0 || rows.length > limit) return rows;
    offset += ids.length;
    rows.push(...(await db.$queryRaw<TRow[]>(itemQuery(integrationId, query, limit - rows.length, { ids }))));
  }
  const last = accounts[offset - 1];
  if (rows.length > limit || accounts.length <= head || !last) return rows;
  rows.push(...(await db.$queryRaw<TRow[]>(itemQuery(integrationId, query, limit - rows.length, { after: { name: last.name, accountId: last.accountId } }))));
  return rows;
}

export async function listCatalog(db: TDb, options: { userEmail: string; query: TCatalogQuery }): Promise<TCatalogPage> {
  const { query } = options;
  const { integrations, integration } = await resolveCatalogIntegration(db, query.integration);
  if (!integration) {
    return {
      status: "NO_INTEGRATION",
      integrations: [],
      integration: null,
      discovered: false,
      identity: { linked: false, displayName: null, groupCount: 0 },
      accounts: [],
      groups: null,
      itemCount: 0,
      nextCursor: null,
    };
  }
  const context = await loadEligibilityContext(db, options.userEmail, integration.id);
  const limit = query.type === "GROUP" ? 0 : query.limit;
  const rows = limit > 0 ? await queryItems(db, integration.id, query, limit) : [];
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  const nextCursor =
    rows.length > limit && last ? encodeCursor([last.account_name, last.account_id, last.rank, last.sort_name, last.id]) : null;

  const mine = await loadMyOpenRequests(db, options.userEmail, integration.id);
  const accounts: TCatalogAccountGroup[] = [];
  for (const row of page) {
    let group = accounts.at(-1);
    if (!group || group.accountRowId !== row.account_row_id) {
      group = { accountRowId: row.account_row_id, accountId: row.account_id, name: row.account_name, ouPath: row.ou_path, items: [] };
      accounts.push(group);
    }
    const type = row.type as TTargetType;
    const tags = tagsOf(row.tags);
    const target: TEvaluationTarget =
      type === "PERMISSION_SET"
        ? { integrationId: integration.id, targetType: type, permissionSetId: row.id, awsAccountId: row.account_id, orgUnitIdPath: row.ou_id_path ?? undefined, tags }
        : { integrationId: integration.id, targetType: type, resourceId: row.id, awsAccountId: row.account_id, orgUnitIdPath: row.ou_id_path ?? undefined, tags };
    group.items.push({
      id: row.id,
      type,
      name: row.name,
      arn: row.arn,
      region: row.region,
      tags,
      detail: row.detail,
      eligibility: evaluateCatalogTarget(context, target),
      mine: mine.get(type === "PERMISSION_SET" ? `ps|${row.id}|${row.account_row_id}` : `r|${row.id}`) ?? null,
    });
  }

  const groups = showsGroups(query) ? await listGroups(db, integration.id, query, context, mine) : null;
  const discovered =
    page.length > 0 || (groups?.total ?? 0) > 0 || (await db.account.count({ where: { integrationId: integration.id, deletedAt: null }, take: 1 })) > 0;

  return {
    status: "READY",
    integrations: integrations.map((i) => ({ id: i.id, name: i.name })),
    integration: {
      id: integration.id,
      name: integration.name,
      identityStoreId: integration.identityStoreId,
      lastSyncAt: integration.lastSyncAt?.toISOString() ?? null,
    },
    discovered,
    identity: {
      linked: context.identity.principal !== null,
      displayName: context.identity.principal?.displayName ?? null,
      groupCount: context.identity.groupIds.length,
    },
    accounts,
    groups,
    itemCount: page.length,
    nextCursor,
  };
}
