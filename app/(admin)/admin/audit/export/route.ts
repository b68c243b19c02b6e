import { stringify } from "csv-stringify/sync";
import { NextResponse } from "next/server";
import { getCurrentUser } from "@/lib/auth/current-user";
import { listAuditEvents, ZAuditFilter } from "@/lib/audit/list-audit-events";
import { getDb } from "@/lib/db/client";

export const dynamic = "force-dynamic";

const MAX_ROWS = 50_000;

export async function GET(req: Request) {
  const user = await getCurrentUser();
  if (!user) return NextResponse.json({ error: "Please sign in." }, { status: 401 });
  if (!user.isAdmin) return NextResponse.json({ error: "Only an admin can export the audit log." }, { status: 403 });
  const parsed = ZAuditFilter.safeParse(Object.fromEntries(new URL(req.url).searchParams));
  if (!parsed.success) return NextResponse.json({ error: parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ") }, { status: 400 });
  const { events } = await listAuditEvents(await getDb(), parsed.data, MAX_ROWS);
  const csv = stringify(
    events.map((e) => [e.seq.toString(), e.createdAt.toISOString(), e.actorEmail ?? "", e.action, e.subjectType, e.subjectId ?? "", e.awsAccountId ?? "", JSON.stringify(e.details), e.prevHash, e.hash]),
    { header: true, columns: ["seq", "time", "actor", "action", "subject_type", "subject_id", "aws_account_id", "details", "prev_hash", "hash"] },
  );
  return new NextResponse(csv, {
    headers: { "Content-Type": "text/csv; charset=utf-8", "Content-Disposition": `attachment; filename="audit-${new Date().toISOString().slice(0, 10)}.csv"`, "Cache-Control": "no-store" },
  });
}
