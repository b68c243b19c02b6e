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
      {report?.ok ? <Badge tone="green">{report.count} events verified</Badge> : null}
      {report && !report.ok ? (
        <Badge tone="red">
          Broken at event #{report.brokenAt.seq}: {report.brokenAt.reason}
        </Badge>
      ) : null}
      {result.serverError ? <Badge tone="red">{result.serverError}</Badge> : null}
    </div>
  );
}
