"use client";

import { usePortalAction } from "@/components/ui/use-portal-action";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { verifyAuditChainAction } from "../actions";

export function VerifyChainButton() {
  const { execute, result, isPending } = usePortalAction(verifyAuditChainAction);
  const report = result.data;
  return (
    <div className="flex flex-wrap items-center gap-2">
      <Button type="button" variant="secondary" onClick={() => execute()} disabled={isPending}>
        {isPending ? "Verifying…" : "Verify chain now"}
      </Button>
      {report?.ok ? (
        <>
          <Badge tone="green">{report.count} events verified</Badge>
          {/* Kept outside the portal (a ticket, a log), the head hash lets a later check show the chain was not rewritten since. */}
          <span className="min-w-0 break-all text-xs text-slate-600" data-testid="audit-head-hash">
            head <code className="rounded bg-slate-100 px-1">{report.lastHash}</code>
          </span>
        </>
      ) : null}
      {report && !report.ok ? (
        <Badge tone="red">
          Broken at event #{report.brokenAt.seq}: {report.brokenAt.reason}
        </Badge>
      ) : null}
      {result.serverError ? <Badge tone="red">{result.serverError}</Badge> : null}
    </div>
  );
}
