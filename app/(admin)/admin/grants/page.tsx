import { PageHeader } from "@/components/ui/page-header";
import { GrantsBoard } from "@/components/grants/grants-board";
import { requireAdminPage } from "@/lib/auth/current-user";
import { getDb } from "@/lib/db/client";
import { listAdminGrants } from "@/lib/provisioning/list-admin-grants";

export const metadata = { title: "Grants" };

export default async function AdminGrantsPage() {
  await requireAdminPage();
  const initial = await listAdminGrants(await getDb());
  return (
    <>
      <PageHeader
        title="Grants"
        description="Who holds what, where and until when. The worker grants on time, confirms AWS finished, and removes access at expiry; the reconciler checks AWS against this list."
      />
      <GrantsBoard initial={initial} />
    </>
  );
}
