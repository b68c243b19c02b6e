/**
 * The demo sign-in's users. Their emails match Identity Center users in the simulator's sample
 * organization, so a demo user's requests resolve to an Identity Center user like production's do.
 */
export const DEMO_USERS = [
  { email: "riley@example.com", name: "Riley Park", role: "requester", blurb: "Developer: browses the catalog and requests access" },
  { email: "avery@example.com", name: "Avery Chen", role: "approver", blurb: "Platform lead: approves production access" },
  { email: "sam@example.com", name: "Sam Ortiz", role: "approver", blurb: "Security: second approver" },
  { email: "adrian@example.com", name: "Adrian Cole", role: "admin", blurb: "Admin: integrations, policies, audit" },
] as const;

export const DEMO_ADMIN_EMAILS: readonly string[] = DEMO_USERS.filter((u) => u.role === "admin").map((u) => u.email);

export function findDemoUser(email: string) {
  return DEMO_USERS.find((u) => u.email === email.trim().toLowerCase());
}
