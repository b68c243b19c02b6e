/** Grant events the worker announces (mirrors lib/notifications TGrantEvent, without importing server-only code). */
export type TGrantEvent = "ACTIVE" | "EXPIRED" | "REVOKED" | "FAILED" | "REMOVAL_OVERDUE" | "QUOTA_WAIT";
