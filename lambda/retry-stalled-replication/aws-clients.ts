/**
 * Settings shared by the function's AWS clients. Explicit timeouts: a hung connection fails
 * fast (and the SDK retries it) instead of holding a sweep past its reserve of time.
 */
export const AWS_CLIENT_SETTINGS = {
  requestHandler: { connectionTimeout: 3_000, requestTimeout: 10_000 },
} as const;
