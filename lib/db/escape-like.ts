/**
 * Escapes LIKE wildcards so a search for "50%" or "a_b" means those characters. Needed for raw LIKE and
 * for Prisma's `contains` / `startsWith`, which pass the text to LIKE unescaped.
 */
export function escapeLikePattern(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}
