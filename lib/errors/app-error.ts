/**
 * The one error style of lib/: a stable `code`, an internal message for logs,
 * and a `userMessage` that is safe to show in the browser.
 */
export type TAppErrorCode =
  | "UNAUTHENTICATED"
  | "FORBIDDEN"
  | "NOT_FOUND"
  | "INVALID_INPUT"
  | "CONFLICT"
  | "AWS_ERROR"
  | "UNAVAILABLE"
  | "INTERNAL";

const DEFAULT_USER_MESSAGES: Record<TAppErrorCode, string> = {
  UNAUTHENTICATED: "Please sign in.",
  FORBIDDEN: "You are not allowed to do that.",
  NOT_FOUND: "Not found.",
  INVALID_INPUT: "Some of the input is not valid.",
  CONFLICT: "This was changed by someone else. Reload and try again.",
  AWS_ERROR: "AWS refused the operation.",
  UNAVAILABLE: "A service the portal depends on is unavailable. Try again shortly.",
  INTERNAL: "Something went wrong. The error was logged.",
};

export class AppError extends Error {
  override name = "AppError";
  readonly code: TAppErrorCode;
  readonly userMessage: string;
  readonly details?: unknown;

  constructor(code: TAppErrorCode, opts: { message?: string; userMessage?: string; details?: unknown; cause?: unknown } = {}) {
    super(opts.message ?? opts.userMessage ?? DEFAULT_USER_MESSAGES[code], { cause: opts.cause });
    this.code = code;
    this.userMessage = opts.userMessage ?? DEFAULT_USER_MESSAGES[code];
    this.details = opts.details;
  }
}

export function isAppError(e: unknown): e is AppError {
  return e instanceof AppError;
}

/** HTTP status for route handlers. */
export function httpStatusFor(code: TAppErrorCode): number {
  switch (code) {
    case "UNAUTHENTICATED":
      return 401;
    case "FORBIDDEN":
      return 403;
    case "NOT_FOUND":
      return 404;
    case "INVALID_INPUT":
      return 400;
    case "CONFLICT":
      return 409;
    case "UNAVAILABLE":
    case "AWS_ERROR":
      return 503;
    default:
      return 500;
  }
}
