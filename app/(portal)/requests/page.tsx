import Link from "next/link";
import { PageHeader } from "@/components/ui/page-header";
import { buttonClasses } from "@/components/ui/button";
import { MyRequests } from "@/components/requests/my-requests";
import { requireUser } from "@/lib/auth/current-user";
import { listMyOpenRequests, listMyRequests } from "@/lib/access/list-my-requests";
import { getDb } from "@/lib/db/client";

export const metadata = { title: "My requests" };

type TSearchParams = Promise<Record<string, string | string[] | undefined>>;

export default async function RequestsPage({ searchParams }: { searchParams: TSearchParams }) {
  const user = await requireUser();
  const params = await searchParams;
  const submitted = params.submitted;
  // ?request=<id> (from the catalog's "you already asked") highlights one request without the banner.
  const focus = typeof submitted === "string" ? submitted : typeof params.request === "string" ? params.request : null;
  const db = await getDb();
  const [initial, open] = await Promise.all([listMyRequests(db, user.id), listMyOpenRequests(db, user.id)]);
  return (
    <>
      <PageHeader
        title="My requests"
        description="Your access requests, their approvals and the access they granted. This page updates by itself."
        actions={<Link className={buttonClasses("secondary")} href="/catalog">Request something</Link>}
      />
      {typeof submitted === "string" ? (
        <div role="status" className="mb-4 rounded-lg border border-sky-200 bg-sky-50 px-4 py-3 text-sm text-sky-900">
          Request submitted. You will see each decision below as it happens.
        </div>
      ) : null}
      <MyRequests initial={initial} initialOpen={{ items: open, nextCursor: null }} highlightId={focus} />
    </>
  );
}
