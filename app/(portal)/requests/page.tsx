import Link from "next/link";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { buttonClasses } from "@/components/ui/button";
import { requireUser } from "@/lib/auth/current-user";

export const metadata = { title: "My requests" };

export default async function RequestsPage() {
  await requireUser();
  return (
    <>
      <PageHeader title="My requests" description="Your access requests, their approvals and the access they granted." />
      <EmptyState title="You have not requested anything yet" action={<Link className={buttonClasses()} href="/catalog">Browse the catalog</Link>}>
        Find what you need in the catalog, pick an access level and a duration, and say why. You will see each decision here as it happens.
      </EmptyState>
    </>
  );
}
