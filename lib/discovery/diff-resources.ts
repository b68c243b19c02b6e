import type { TResourceTypeName } from "../integrations/integration-config-schema.ts";
import { stableJson } from "./stable-json.ts";

export type TFoundResource = {
  type: TResourceTypeName;
  arn: string;
  region: string | null;
  name: string;
  tags: Record<string, string>;
  attributes: Record<string, unknown>;
  searchText: string;
};

export type TStoredResource = Omit<TFoundResource, "tags" | "attributes"> & { id: string; tags: unknown; attributes: unknown; deletedAt: Date | null };

export type TResourceDiff = {
  create: TFoundResource[];
  /** Changed content and/or undeleted. */
  update: { id: string; data: TFoundResource; undelete: boolean }[];
  /** Vanished: soft-delete. */
  remove: string[];
  unchanged: number;
};

function sameContent(a: TFoundResource, b: TStoredResource): boolean {
  return a.name === b.name && a.region === b.region && a.searchText === b.searchText && a.type === b.type && stableJson(a.tags) === stableJson(b.tags) && stableJson(a.attributes) === stableJson(b.attributes);
}

/**
 * What to write for one account: new rows, changed or reappearing rows, and rows that vanished.
 * Only rows `mayRemove` accepts can be soft-deleted (a type, region or item whose listing failed keeps
 * what it had). Unchanged rows are left alone so a re-sync with nothing new writes nothing. Pure.
 */
export function diffResources(found: readonly TFoundResource[], stored: readonly TStoredResource[], mayRemove: (s: TStoredResource) => boolean): TResourceDiff {
  const byArn = new Map(stored.map((s) => [s.arn, s]));
  const out: TResourceDiff = { create: [], update: [], remove: [], unchanged: 0 };
  const seen = new Set<string>();
  for (const f of found) {
    if (seen.has(f.arn)) continue;
    seen.add(f.arn);
    const s = byArn.get(f.arn);
    if (!s) out.create.push(f);
    else if (s.deletedAt || !sameContent(f, s)) out.update.push({ id: s.id, data: f, undelete: s.deletedAt !== null });
    else out.unchanged += 1;
  }
  for (const s of stored) if (!s.deletedAt && !seen.has(s.arn) && mayRemove(s)) out.remove.push(s.id);
  return out;
}
