/** Admin role: an email in ADMIN_EMAILS or a group claim in ADMIN_GROUPS (both case-insensitive). */
export function isAdminIdentity(
  identity: { email: string; groups: readonly string[] },
  config: { adminEmails: readonly string[]; adminGroups: readonly string[] },
): boolean {
  const email = identity.email.toLowerCase();
  if (config.adminEmails.some((e) => e.toLowerCase() === email)) return true;
  const groups = new Set(identity.groups.map((g) => g.toLowerCase()));
  return config.adminGroups.some((g) => groups.has(g.toLowerCase()));
}

/** Reads a groups claim that IdPs send as an array, a comma list or a single string. */
export function groupsFromClaim(value: unknown): string[] {
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === "string");
  if (typeof value === "string") return value.split(",").map((s) => s.trim()).filter(Boolean);
  return [];
}
