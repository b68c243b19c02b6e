import { RouteLoading } from "@/components/shell/route-loading";

export default function PortalLoading() {
  return <RouteLoading />;
}
