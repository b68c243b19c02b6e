/**
 * TanStack Query keys, in one module so a mutation can invalidate exactly what it changed.
 * Pure (browser and server).
 */
export const queryKeys = {
  myRequests: {
    all: ["my-requests"] as const,
    /** Newest first, page by page ("Show older requests"). */
    pages: ["my-requests", "pages"] as const,
    /** Every pending or live request, whatever page is loaded. */
    open: ["my-requests", "open"] as const,
    detail: (id: string) => ["my-requests", "detail", id] as const,
  },
  adminGrants: {
    all: ["admin-grants"] as const,
  },
  catalog: {
    all: ["catalog"] as const,
    page: (params: string) => ["catalog", "page", params] as const,
  },
};
