/**
 * Next.js start-up hook: in a single-node install the server runs its own worker ticks
 * (WORKER_INTERVAL_MS; 0 = off, when an external scheduler calls POST /api/worker instead).
 * Node.js runtime only; the dynamic import keeps node-only modules out of edge bundles.
 */
export async function register() {
  // eslint-disable-next-line no-restricted-properties -- Next sets NEXT_RUNTIME per bundle; it is not configuration
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const [{ env }, { configureAwsRateLimits, sharedAwsRateLimits }, { shareAssignmentSlots }] = await Promise.all([
    import("./lib/env"),
    import("./lib/aws/aws-rate-limit"),
    import("./lib/provisioning/provisioning-limits"),
  ]);
  // Several replicas share AWS's per-organization limits: each takes its part before any call goes out.
  if (env.AWS_REPLICAS > 1) {
    configureAwsRateLimits(sharedAwsRateLimits(env.AWS_REPLICAS));
    shareAssignmentSlots(env.AWS_REPLICAS);
  }
  const { startInProcessWorker } = await import("./lib/provisioning/start-in-process-worker");
  startInProcessWorker();
}
