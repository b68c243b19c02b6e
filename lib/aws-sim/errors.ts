/** An AWS-shaped error: `code` is what the SDK turns into the exception class name. */
export class SimError extends Error {
  readonly code: string;
  readonly status: number;
  readonly extra: Record<string, unknown>;
  readonly sender: boolean;

  constructor(code: string, message: string, status = 400, extra: Record<string, unknown> = {}) {
    super(message);
    this.code = code;
    this.status = status;
    this.extra = extra;
    this.sender = status < 500;
  }
}

export const validation = (message: string) => new SimError("ValidationException", message, 400);
