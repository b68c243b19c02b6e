import { NextResponse } from "next/server";
import { getCurrentUser } from "@/lib/auth/current-user";
import { isCrossSiteRequest } from "@/lib/auth/same-origin";
import { exportAuditCsv, recordAuditExport } from "@/lib/audit/export-audit-csv";
import { ZAuditFilter } from "@/lib/audit/list-audit-events";
import { getDb } from "@/lib/db/client";

export const dynamic = "force-dynamic";

/** The filtered audit log as CSV, streamed page by page (every event, however many). */
export async function GET(req: Request) {
  // A GET that writes to the log (audit.exported): another site must not start it with the admin's cookie.
  if (isCrossSiteRequest(req.headers)) return NextResponse.json({ error: "Start the export from the audit page." }, { status: 403 });
  const user = await getCurrentUser();
  if (!user) return NextResponse.json({ error: "Please sign in." }, { status: 401 });
  if (!user.isAdmin) return NextResponse.json({ error: "Only an admin can export the audit log." }, { status: 403 });
  const parsed = ZAuditFilter.safeParse(Object.fromEntries(new URL(req.url).searchParams));
  if (!parsed.success) return NextResponse.json({ error: parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ") }, { status: 400 });
  const db = await getDb();
  // Who took a copy of the log, and of what, is itself on the record.
  await recordAuditExport(db, { id: user.id, email: user.email }, parsed.data);
  const chunks = exportAuditCsv(db, parsed.data);
  const encoder = new TextEncoder();
  // Pulled one page at a time, so a slow download holds one page in memory, not the whole log.
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const next = await chunks.next();
        if (next.done) controller.close();
        else controller.enqueue(encoder.encode(next.value));
      } catch (error) {
        // Headers are gone already: end the download as failed (the browser says so) rather than cut it short silently.
        console.error("audit export failed", error);
        controller.error(new Error("The audit export failed."));
      }
    },
    async cancel() {
      await chunks.return(undefined);
    },
  });
  return new NextResponse(body, {
    headers: { "Content-Type": "text/csv; charset=utf-8", "Content-Disposition": `attachment; filename="audit-${new Date().toISOString().slice(0, 10)}.csv"`, "Cache-Control": "no-store" },
  });
}
