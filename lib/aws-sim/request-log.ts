export interface LogEntry {
  at: string;
  service: string;
  operation: string;
  status: number;
  accountId?: string;
  errorCode?: string;
  ms: number;
}

/** Counts per service.operation plus the most recent entries, for tests that assert call patterns. */
export class RequestLog {
  counts: Record<string, number> = {};
  errors: Record<string, number> = {};
  private recent: LogEntry[] = [];
  total = 0;

  constructor(private readonly keep = 1000) {}

  add(e: LogEntry): void {
    const key = `${e.service}.${e.operation}`;
    this.total++;
    this.counts[key] = (this.counts[key] ?? 0) + 1;
    if (e.errorCode) this.errors[`${key}:${e.errorCode}`] = (this.errors[`${key}:${e.errorCode}`] ?? 0) + 1;
    this.recent.push(e);
    if (this.recent.length > this.keep * 2) this.recent = this.recent.slice(-this.keep);
  }

  snapshot() {
    return { total: this.total, counts: { ...this.counts }, errors: { ...this.errors }, recent: this.recent.slice(-this.keep) };
  }

  clear(): void {
    this.counts = {};
    this.errors = {};
    this.recent = [];
    this.total = 0;
  }
}
