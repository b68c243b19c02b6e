"use client";

import { RouteError } from "@/components/shell/route-error";

// Inside the group's layout, so the navigation stays usable when a page fails.
export default function PortalError({ error, retry }: { error: unknown; retry: () => void }) {
  return <RouteError error={error} retry={retry} />;
}
