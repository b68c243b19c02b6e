/**
 * Worker-thread entry of the account scan pool (account-scan-pool.ts): scans one member account per
 * message with the assumed role's session credentials and posts the result back. Per-account and
 * per-region rate limits live here, in the one thread that scans the account.
 */
import { parentPort } from "node:worker_threads";
import { configureAwsRateLimits } from "../aws/aws-rate-limit.ts";
import { fetchAccountResources } from "./fetch-account-resources.ts";
import type { TScanJob, TScanReply } from "./account-scan-pool.ts";

const port = parentPort;
if (!port) throw new Error("scan-worker.ts runs only as a worker thread");

port.on("message", (job: TScanJob) => {
  configureAwsRateLimits(job.rates);
  fetchAccountResources(job.credentials, job.target, job.homeRegion, { portalRoleName: job.portalRoleName }).then(
    (scan) => port.postMessage({ id: job.id, scan: { ...scan, failedTypes: [...scan.failedTypes] } } satisfies TScanReply),
    (e: unknown) => port.postMessage({ id: job.id, error: e instanceof Error ? { name: e.name, message: e.message } : { name: "Error", message: String(e) } } satisfies TScanReply),
  );
});
