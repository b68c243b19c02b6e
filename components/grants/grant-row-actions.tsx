"use client";

import { useQueryClient } from "@tanstack/react-query";
import { useAction } from "next-safe-action/hooks";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { forceRevokeGrantAction, retryGrantAction } from "@/app/(admin)/admin/grants/actions";
import type { TAdminGrantRow } from "@/lib/provisioning/list-admin-grants";
import { queryKeys } from "@/lib/query-keys";

/** Force revoke (with a reason) and retry for one grant. */
export function GrantRowActions({ grant }: { grant: TAdminGrantRow }) {
  const queryClient = useQueryClient();
  const refresh = () => queryClient.invalidateQueries({ queryKey: queryKeys.adminGrants.all });
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState("");
  const revoke = useAction(forceRevokeGrantAction, { onSuccess: () => { setOpen(false); setReason(""); void refresh(); } });
  const retry = useAction(retryGrantAction, { onSuccess: () => void refresh() });
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
        <form
          className="flex w-full flex-col gap-2 sm:w-64"
          onSubmit={(e) => {
            e.preventDefault();
            revoke.execute({ grantId: grant.id, reason });
          }}
        >
          <label className="text-xs font-medium text-slate-700" htmlFor={`reason-${grant.id}`}>
            Why revoke this access?
          </label>
          <input
            id={`reason-${grant.id}`}
            value={reason}
            onChange={(e) => setReason(e.target.value)}
            maxLength={500}
            required
            className="rounded-md border border-slate-300 px-2 py-1.5 text-sm"
            placeholder="e.g. incident closed"
          />
          <div className="flex gap-2">
            <Button type="submit" variant="danger" className="px-2.5 py-1 text-xs" disabled={revoke.isPending || reason.trim() === ""} data-testid={`confirm-revoke-${grant.id}`}>
              {revoke.isPending ? "Revoking…" : "Confirm revoke"}
            </Button>
            <Button type="button" variant="ghost" className="px-2.5 py-1 text-xs" onClick={() => setOpen(false)}>
              Cancel
            </Button>
          </div>
        </form>
      ) : null}
      {error ? (
        <p role="alert" className="text-xs text-rose-700">
          {error}
        </p>
      ) : null}
    </div>
  );
}
