/** What the portal needs to know about an AWS SDK error, without leaking it to the browser. */
export type TAwsErrorInfo = {
  name: string;
  message: string;
  httpStatus?: number;
  throttling: boolean;
  conflict: boolean;
  notFound: boolean;
  accessDenied: boolean;
  quota: boolean;
};

const THROTTLING = new Set(["ThrottlingException", "TooManyRequestsException", "Throttling", "RequestLimitExceeded", "SlowDown", "RequestThrottled"]);

export function awsErrorInfo(e: unknown): TAwsErrorInfo {
  const err = (e ?? {}) as { name?: string; message?: string; Code?: string; $metadata?: { httpStatusCode?: number } };
  const name = err.name ?? err.Code ?? "Error";
  const httpStatus = err.$metadata?.httpStatusCode;
  return {
    name,
    message: err.message ?? String(e),
    httpStatus,
    throttling: THROTTLING.has(name) || httpStatus === 429,
    conflict: name === "ConflictException",
    notFound: name === "ResourceNotFoundException" || name === "NoSuchEntity" || name === "NoSuchEntityException" || name === "NoSuchBucket",
    accessDenied: name === "AccessDeniedException" || name === "AccessDenied" || name === "UnauthorizedOperation" || httpStatus === 403,
    quota: name === "ServiceQuotaExceededException" || name === "LimitExceededException",
  };
}
