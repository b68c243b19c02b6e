import { appendAuditEvent } from "../audit/append-audit-event.ts";
import { DEMO_ADMIN_EMAILS, DEMO_USERS } from "../auth/demo-users.ts";
import type { TDb } from "../db/client.ts";

/**
 * Demo data: the demo users (so approver lists and the audit log have names before anyone signs in).
 * Idempotent: running it again changes nothing.
 */
export async function seedDemoData(db: TDb) {
  let created = 0;
  for (const u of DEMO_USERS) {
    const existing = await db.user.findUnique({ where: { email: u.email } });
    if (existing) continue;
    await db.$transaction(async (tx) => {
      const user = await tx.user.create({ data: { email: u.email, name: u.name, isAdmin: DEMO_ADMIN_EMAILS.includes(u.email) } });
      await appendAuditEvent(tx, { actor: "system", action: "user.seeded", subjectType: "User", subjectId: user.id, details: { email: u.email, role: u.role } });
    });
    created += 1;
  }
  return { users: created };
}
