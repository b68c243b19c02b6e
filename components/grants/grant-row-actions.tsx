"use client";

import { useQueryClient } from "@tanstack/react-query";
import { usePortalAction } from "@/components/ui/use-portal-action";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { ReasonForm } from "@/components/ui/reason-form";
import { forceRevokeGrantAction, retryGrantAction } from "@/app/(admin)/admin/grants/actions";
import type { TAdminGrantRow } from "@/lib/provisioning/list-admin-grants";
import { queryKeys } from "@/lib/query-keys";

/** Force revoke (with a reason) and retry for one grant. */
export function GrantRowActions({ grant }: { grant: TAdminGrantRow }) {
  const queryClient = useQueryClient();
  const refresh = () => queryClient.invalidateQueries({ queryKey: queryKeys.adminGrants.all });
  const [open, setOpen] = useState(false);
  const revoke = usePortalAction(forceRevokeGrantAction, { onSuccess: () => { setOpen(false); void refresh(); } });
  const retry = usePortalAction(retryGrantAction, { onSuccess: () => void refresh() });
  const error = revoke.result.serverError ?? revoke.result.validationErrors?.reason?._errors?.[0] ?? retry.result.serverError ?? null;
  if (!grant.canRevoke && !grant.canRetry) return null;
  return (
    <div className="flex flex-col items-stretch gap-2 sm:items-end">
      <div className="flex flex-wrap gap-2">
        {grant.canRetry ? (
          <Button variant="secondary" className="px-2.5 py-1 text-xs" disabled={retry.isPending} onClick={() => retry.execute({ grantId: grant.id })} data-testid={`retry-${grant.id}`}>
            {retry.isPending ? "Retrying…" : "Retry"}
          </Button>
        ) : null}
        {grant.canRevoke && !open ? (
          <Button variant="danger" className="px-2.5 py-1 text-xs" onClick={() => setOpen(true)} data-testid={`revoke-${grant.id}`}>
            Revoke now
          </Button>
        ) : null}
      </div>
      {open ? (
        <ReasonForm
          id={`reason-${grant.id}`}
          label="Why revoke this access?"
          placeholder="e.g. incident closed"
          confirmLabel="Confirm revoke"
          pendingLabel="Revoking…"
          pending={revoke.isPending}
          onConfirm={(reason) => revoke.execute({ grantId: grant.id, reason })}
          onCancel={() => setOpen(false)}
          confirmTestId={`confirm-revoke-${grant.id}`}
        />
      ) : null}
      {error ? (
        <p role="alert" className="text-xs text-rose-700">
          {error}
        </p>
      ) : null}
    </div>
  );
}
