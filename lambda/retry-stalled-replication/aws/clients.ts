import { DeadlineExceededError } from '../decide/errors';

/**
 * Settings shared by the function's AWS clients. Explicit timeouts: a hung connection fails
 * fast (and the SDK retries it); the deadline given to each call bounds the whole call, retries included.
 */
export const AWS_CLIENT_SETTINGS = {
  requestHandler: { connectionTimeout: 3_000, requestTimeout: 10_000 },
} as const;

/**
 * Runs one SDK call so that it settles by `latest` (a `performance.now()` time): the call gets an
 * abort signal that fires then, and the caller stops waiting then whatever the SDK does. A call
 * that cannot start before `latest` is not started. Throws {@link DeadlineExceededError}.
 */
export async function sendBefore<T>(latest: number, what: string, send: (abortSignal: AbortSignal) => Promise<T>): Promise<T> {
  const left = latest - performance.now();
  if (left <= 0) throw new DeadlineExceededError(what);
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(new DeadlineExceededError(what));
    }, left);
  });
  // Any thenable the client returns (a mock's, say) becomes a native promise.
  const call = Promise.resolve(send(controller.signal));
  try {
    return await Promise.race([call, expired]);
  } finally {
    clearTimeout(timer);
    // The losing side settles later; nobody waits for it.
    call.catch(() => undefined);
    expired.catch(() => undefined);
  }
}
