import type { TResourceTypeName, TTagFilter } from "../integrations/integration-config-schema.ts";
import { RESOURCE_TYPES } from "../integrations/integration-config-schema.ts";

/**
 * Tag filters: entries with the same key are alternatives (OR), different keys must all hold (AND),
 * like EC2's tag filters. An empty value or "*" only requires the key. No filters: everything. Pure.
 */
export function matchesTagFilters(tags: Readonly<Record<string, string>>, filters: readonly TTagFilter[]): boolean {
  if (filters.length === 0) return true;
  const byKey = new Map<string, string[]>();
  for (const f of filters) byKey.set(f.key, [...(byKey.get(f.key) ?? []), f.value]);
  for (const [key, values] of byKey) {
    if (!Object.hasOwn(tags, key)) return false;
    const actual = tags[key];
    if (!values.some((v) => v === "" || v === "*" || v === actual)) return false;
  }
  return true;
}

/** Global and per-entry type lists narrow each other; an empty list means every type. Pure. */
export function effectiveResourceTypes(global: readonly TResourceTypeName[], entry: readonly TResourceTypeName[] | undefined): TResourceTypeName[] {
  const g = global.length > 0 ? new Set(global) : null;
  const e = entry && entry.length > 0 ? new Set(entry) : null;
  return RESOURCE_TYPES.filter((t) => (!g || g.has(t)) && (!e || e.has(t)));
}
