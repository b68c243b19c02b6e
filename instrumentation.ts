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
  void resealSecretsAfterRotation();
}

/**
 * After ENCRYPTION_KEY was rotated (the old key moved to ENCRYPTION_KEY_PREVIOUS), moves stored secrets to
 * the new key, so the old one can be dropped after one restart. Every replica may try: each write is
 * conditional. In the background: start-up does not wait on the database.
 */
async function resealSecretsAfterRotation() {
  try {
    const [{ getDb }, { resealIntegrationSecrets }] = await Promise.all([import("./lib/db/client"), import("./lib/integrations/reseal-integration-secrets")]);
    const { resealed, unreadable } = await resealIntegrationSecrets(await getDb());
    if (resealed > 0) console.info(`re-sealed ${resealed} integration secret(s) with the current ENCRYPTION_KEY`);
    if (unreadable.length > 0) {
      console.warn(`no configured encryption key opens the stored secret of integration(s) ${unreadable.join(", ")}: set ENCRYPTION_KEY_PREVIOUS, or enter the secret again`);
    }
  } catch (e) {
    console.error("re-sealing integration secrets failed", e);
  }
}
