/**
 * Follows NextToken/Marker pages until the service says there are no more. Organizations may
 * answer an empty page that still carries a token, so emptiness never ends the loop. A repeated
 * token throws (a misbehaving endpoint must not spin forever): a listing cut short must not pass
 * for complete, or discovery would soft-delete everything on the pages it never read.
 */
export async function collectPages<T>(fetchPage: (token: string | undefined) => Promise<{ items: readonly T[]; next?: string | undefined }>): Promise<T[]> {
  const out: T[] = [];
  const seen = new Set<string>();
  let token: string | undefined;
  for (;;) {
    const page = await fetchPage(token);
    out.push(...page.items);
    if (!page.next) return out;
    if (seen.has(page.next)) throw new Error(`the endpoint repeated a page token after ${out.length} items; the listing is incomplete`);
    seen.add(page.next);
    token = page.next;
  }
}

/** AWS tag lists ([{Key, Value}]) as the plain map the domain stores. */
export function tagMap(tags: readonly { Key?: string | undefined; Value?: string | undefined }[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const t of tags ?? []) if (t.Key) out[t.Key] = t.Value ?? "";
  return out;
}
