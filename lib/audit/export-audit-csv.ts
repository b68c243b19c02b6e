import "server-only";
import { stringify } from "csv-stringify/sync";
import type { TDb } from "../db/client.ts";
import { appendAuditEvent, type TAuditActor } from "./append-audit-event.ts";
import { listAuditEvents, type TAuditFilter } from "./list-audit-events.ts";

const COLUMNS = ["seq", "time", "actor", "action", "subject_type", "subject_id", "aws_account_id", "details", "prev_hash", "hash"];

/** Events read per query: bounds memory however long the log is. */
export const AUDIT_EXPORT_PAGE_SIZE = 1_000;

/**
 * The audit events matching `filter` as CSV text, the header first and then one chunk per page, newest
 * first, following the cursor until the last event: the export is complete whatever its length. Events
 * appended meanwhile are newer than the first page, so they are left out rather than half-included.
 * Assumes the caller is an admin.
 */
export async function* exportAuditCsv(db: TDb, filter: TAuditFilter, pageSize = AUDIT_EXPORT_PAGE_SIZE): AsyncGenerator<string> {
  yield stringify([], { header: true, columns: COLUMNS });
  let cursor = filter.cursor;
  for (;;) {
    const { events, nextCursor } = await listAuditEvents(db, { ...filter, cursor }, pageSize);
    if (events.length > 0) {
      yield stringify(
        events.map((e) => [
          e.seq.toString(),
          e.createdAt.toISOString(),
          e.actorEmail ?? "",
          e.action,
          e.subjectType,
          e.subjectId ?? "",
          e.awsAccountId ?? "",
          JSON.stringify(e.details),
          e.prevHash,
          e.hash,
        ]),
        // Actor emails and details come from outside (the identity provider, AWS): a cell starting with
        // = + - @ must not run as a formula when an admin opens the file in a spreadsheet.
        { escape_formulas: true },
      );
    }
    if (!nextCursor) return;
    cursor = nextCursor;
  }
}

/** Records who took a copy of the log and with which filter (audit.exported), before the export is read. */
export async function recordAuditExport(db: TDb, actor: TAuditActor, filter: TAuditFilter) {
  await db.$transaction((tx) => appendAuditEvent(tx, { actor, action: "audit.exported", subjectType: "AuditLog", details: { filter } }));
}
