"use client";

import { signOut } from "next-auth/react";
import { useState } from "react";

export function SignOutButton() {
  const [busy, setBusy] = useState(false);
  return (
    <button
      type="button"
      disabled={busy}
      onClick={() => {
        setBusy(true);
        void signOut({ callbackUrl: "/signin" });
      }}
      className="rounded-md px-2.5 py-1.5 text-sm font-medium text-slate-700 hover:bg-slate-200 disabled:text-slate-400"
    >
      {busy ? "Signing out…" : "Sign out"}
    </button>
  );
}
