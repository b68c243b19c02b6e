import { z } from "zod";
import { TARGET_TYPES } from "../access/target-types";

/**
 * The catalog's filters as they travel in the URL and to the route handler. Pure (no server-only) so the
 * page, the route handler and the client share one parser.
 */
export const CATALOG_PAGE_SIZE = 50;
export const CATALOG_MAX_PAGE_SIZE = 100;

const emptyToUndefined = (value: unknown) => (typeof value === "string" && value.trim() === "" ? undefined : value);

export const ZCatalogQuery = z.object({
  integration: z.preprocess(emptyToUndefined, z.string().trim().max(64).optional()),
  q: z.preprocess(emptyToUndefined, z.string().trim().max(200, "Search is at most 200 characters").optional()),
  type: z.preprocess(emptyToUndefined, z.enum(TARGET_TYPES, { error: "Unknown type" }).optional()),
  account: z.preprocess(emptyToUndefined, z.string().trim().regex(/^\d{12}$/, "Account ids are 12 digits").optional()),
  ou: z.preprocess(
    emptyToUndefined,
    z.string().trim().regex(/^(r-[0-9a-z]{4,32}|ou-[0-9a-z]{4,32}-[0-9a-z]{8,32})$/, "Unknown organizational unit").optional(),
  ),
  /** "key=value", or "key" alone for "has this tag". */
  tag: z.preprocess(emptyToUndefined, z.string().trim().max(400, "Tag filter is too long").optional()),
  cursor: z.preprocess(emptyToUndefined, z.string().max(1000).optional()),
  limit: z.preprocess(
    emptyToUndefined,
    z.coerce.number().int().min(1).max(CATALOG_MAX_PAGE_SIZE).default(CATALOG_PAGE_SIZE),
  ),
});
export type TCatalogQuery = z.infer<typeof ZCatalogQuery>;

/** Reads a URLSearchParams / Next searchParams object; unknown keys are ignored, bad values refused. */
export function parseCatalogQuery(params: URLSearchParams | Record<string, string | string[] | undefined>) {
  const get = (key: string) => {
    if (params instanceof URLSearchParams) return params.get(key) ?? undefined;
    const value = params[key];
    return Array.isArray(value) ? value[0] : value;
  };
  return ZCatalogQuery.safeParse(Object.fromEntries(["integration", "q", "type", "account", "ou", "tag", "cursor", "limit"].map((k) => [k, get(k)])));
}

export function parseTagFilter(tag: string): { key: string; value?: string } {
  const at = tag.indexOf("=");
  if (at < 0) return { key: tag.trim() };
  return { key: tag.slice(0, at).trim(), value: tag.slice(at + 1).trim() };
}

/** Serialises a query back to URL parameters (for links and the route handler). */
export function catalogQueryToParams(query: Partial<TCatalogQuery>): URLSearchParams {
  const params = new URLSearchParams();
  for (const key of ["integration", "q", "type", "account", "ou", "tag", "cursor"] as const) {
    const value = query[key];
    if (value) params.set(key, value);
  }
  if (query.limit && query.limit !== CATALOG_PAGE_SIZE) params.set("limit", String(query.limit));
  return params;
}
