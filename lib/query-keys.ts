/**
 * TanStack Query keys, in one module so a mutation can invalidate exactly what it changed.
 * Pure (browser and server).
 */
export const queryKeys = {
  myRequests: {
    all: ["my-requests"] as const,
    list: (cursor: string | null = null) => ["my-requests", "list", cursor] as const,
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
