"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { usePortalAction } from "@/components/ui/use-portal-action";
import { useState } from "react";
import { Button, buttonClasses } from "@/components/ui/button";
import { deletePolicyAction, setPolicyEnabledAction } from "../actions";

export function PolicyRowActions({ id, name, enabled, pendingRequests }: { id: string; name: string; enabled: boolean; pendingRequests: number }) {
  const router = useRouter();
  const [confirming, setConfirming] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const toggle = usePortalAction(setPolicyEnabledAction);
  const remove = usePortalAction(deletePolicyAction);
  const done = (result: { data?: unknown; serverError?: string } | undefined) => {
    if (result?.data) {
      setError(null);
      router.refresh();
    } else setError(result?.serverError ?? "That did not work.");
  };
  return (
    <div className="flex shrink-0 flex-col items-start gap-2 sm:items-end">
      <div className="flex flex-wrap gap-2">
        <Link href={`/admin/policies/${id}`} className={buttonClasses("secondary", "py-1.5")} aria-label={`Edit ${name}`}>
          Edit
        </Link>
        <Button variant="secondary" className="py-1.5" disabled={toggle.isPending} onClick={async () => done(await toggle.executeAsync({ id, enabled: !enabled }))}>
          {enabled ? "Disable" : "Enable"}
        </Button>
        <Button variant="ghost" className="py-1.5 text-rose-700" onClick={() => setConfirming(true)}>
          Delete
        </Button>
      </div>
      {confirming ? (
        <div className="rounded-md bg-rose-50 p-2 text-xs text-rose-900">
          Delete “{name}”?{pendingRequests ? ` ${pendingRequests} pending request(s) keep the rules they were submitted under.` : ""}
          <div className="mt-1 flex gap-2">
            <Button variant="danger" className="px-2 py-1 text-xs" disabled={remove.isPending} onClick={async () => done(await remove.executeAsync({ id }))}>
              Delete
            </Button>
            <Button variant="ghost" className="px-2 py-1 text-xs" onClick={() => setConfirming(false)}>
              Keep
            </Button>
          </div>
        </div>
      ) : null}
      {error ? <p className="text-xs text-rose-700">{error}</p> : null}
    </div>
  );
}
