/** How far back an event time may lie and still mark when a stall began or ended. */
export const EVENT_TIME_MAX_AGE_MS = 24 * 60 * 60_000;
/** How far ahead of the function's clock an event time may lie (clock skew). */
export const EVENT_TIME_MAX_AHEAD_MS = 5 * 60_000;

export type TrustedTime =
  | { readonly time: number; readonly ignored?: undefined }
  /** The event time was outside the window: the decision's own time is used, and the log says why. */
  | { readonly time: number; readonly ignored: string };

/**
 * The time to record for a reported stall or recovery: the event's time when it lies within
 * [now − 24 h, now + 5 min], else the decision's time. A redriven event from days ago or one dated
 * in the future would otherwise start an episode days back or give a negative or absurd duration. Pure.
 */
export function trustedEventTime(eventTime: number | undefined, now: number): TrustedTime {
  if (eventTime === undefined) return { time: now };
  if (eventTime < now - EVENT_TIME_MAX_AGE_MS) {
    return { time: now, ignored: `event time ${new Date(eventTime).toISOString()} is more than 24 h old (a redriven or delayed event)` };
  }
  if (eventTime > now + EVENT_TIME_MAX_AHEAD_MS) {
    return { time: now, ignored: `event time ${new Date(eventTime).toISOString()} is more than 5 min in the future` };
  }
  return { time: eventTime };
}
