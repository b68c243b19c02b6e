/**
 * The error the pure access modules throw for input they refuse (malformed ARN, unknown access level,
 * a policy document over Identity Center's limits). It carries the same shape as the house `AppError`
 * (`code`, operator `message`, browser-safe `userMessage`) so the caller can translate it without
 * parsing text; it lives here because these modules must stay free of server-only imports.
 */
export type TAccessErrorCode =
  | "INVALID_ARN"
  | "INVALID_TARGET"
  | "UNKNOWN_ACCESS_LEVEL"
  | "POLICY_TOO_LARGE"
  | "INVALID_POLICY_DOCUMENT"
  | "INVALID_APPROVAL_STEPS";

export class AccessError extends Error {
  readonly code: TAccessErrorCode;
  readonly userMessage: string;

  constructor(code: TAccessErrorCode, options: { message: string; userMessage?: string }) {
    super(options.message);
    this.name = "AccessError";
    this.code = code;
    this.userMessage = options.userMessage ?? options.message;
  }
}
