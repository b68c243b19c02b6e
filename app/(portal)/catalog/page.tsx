import Link from "next/link";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { buttonClasses } from "@/components/ui/button";
import { requireUser } from "@/lib/auth/current-user";
import { getSetupStatus } from "@/lib/portal/get-setup-status";

export const metadata = { title: "Catalog" };

export default async function CatalogPage() {
  const user = await requireUser();
  const status = await getSetupStatus();
  return (
    <>
      <PageHeader title="Catalog" description="Everything in your AWS organization you can ask for, grouped by account." />
      {status.integrations === 0 ? (
        <EmptyState
          title="No integration configured yet"
          action={user.isAdmin ? <Link className={buttonClasses()} href="/admin">Go to Admin</Link> : null}
        >
          An admin can add one in Admin → Integration. Once the portal is connected to AWS and discovery has run, the accounts,
          permission sets and resources you may request appear here.
        </EmptyState>
      ) : (
        <EmptyState title="Nothing discovered yet">
          The integration is configured but discovery has not found any resources yet. An admin can run discovery from Admin → Integration.
        </EmptyState>
      )}
    </>
  );
}
