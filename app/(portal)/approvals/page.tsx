import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { requireUser } from "@/lib/auth/current-user";

export const metadata = { title: "Approvals" };

export default async function ApprovalsPage() {
  await requireUser();
  return (
    <>
      <PageHeader title="Approvals" description="Requests waiting for your decision." />
      <EmptyState title="Nothing is waiting for you">
        When someone requests access that a policy names you as an approver for, it appears here. You never decide your own requests.
      </EmptyState>
    </>
  );
}
