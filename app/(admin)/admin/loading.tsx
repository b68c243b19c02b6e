import { RouteLoading } from "@/components/shell/route-loading";

export default function AdminLoading() {
  return <RouteLoading />;
}
