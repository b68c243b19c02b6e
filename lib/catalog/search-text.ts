/**
 * The lower-cased text the catalog searches for one resource (`Resource.searchText`): its name, ARN,
 * region and every tag as "key=value" (so "environment=prod" and plain "prod" both find it).
 * Pure; discovery calls it on every upsert so the column never drifts from the row it describes.
 * Bounded so a resource with hundreds of long tags cannot bloat the table or the scan.
 */
export const SEARCH_TEXT_MAX_LENGTH = 2000;

export type TSearchableResource = {
  name: string;
  arn: string;
  region?: string | null;
  /** The Resource.tags Json column: { key: value }. Anything else is ignored. */
  tags?: unknown;
};

export function buildResourceSearchText(resource: TSearchableResource): string {
  const parts = [resource.name, resource.arn];
  if (resource.region) parts.push(resource.region);
  if (resource.tags && typeof resource.tags === "object" && !Array.isArray(resource.tags)) {
    for (const [key, value] of Object.entries(resource.tags as Record<string, unknown>)) {
      if (typeof value === "string") parts.push(`${key}=${value}`);
    }
  }
  return parts.join(" ").toLowerCase().replace(/\s+/g, " ").trim().slice(0, SEARCH_TEXT_MAX_LENGTH);
}
