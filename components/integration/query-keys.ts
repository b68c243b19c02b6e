/** TanStack Query keys of the integration screens. */
export const integrationQueryKeys = {
  syncRuns: (integrationId: string) => ["integration", integrationId, "sync-runs"] as const,
};
