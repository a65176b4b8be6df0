import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { decisionEvent, type DecisionEvent, type DecisionFacts } from '../decide/decision-event';
import { MetricName } from './metric-names';
import { logger, metrics } from './powertools';

/** The decision events of the current invocation, put on the bus together at its end. */
const pending: ((region: string) => DecisionEvent | undefined)[] = [];

let loadingEventsApi: Promise<typeof import('../aws/events-api')> | undefined;

/** EventBridge's client, loaded once; a load that failed is tried again next time. */
function eventsApi(): Promise<typeof import('../aws/events-api')> {
  const loading = (loadingEventsApi ??= import('../aws/events-api'));
  loading.catch(() => {
    if (loadingEventsApi === loading) loadingEventsApi = undefined;
  });
  return loading;
}

/**
 * Starts loading EventBridge's client while the invocation waits for its first answers, when a
 * decision event is likely (a stall event): the load then costs no time of its own. A load that
 * fails here is reported by the flush that needs it.
 */
export async function prepareDecisionEvents(): Promise<void> {
  await eventsApi().catch(() => undefined);
}

/** Keeps a decision's event (if it is a notable one) for the end of the invocation. */
export function recordDecisionEvent(facts: DecisionFacts): void {
  pending.push((region) => decisionEvent(facts, region));
}

/** Keeps an event built elsewhere (a mass stall's). */
export function recordEvent(event: (region: string) => DecisionEvent): void {
  pending.push(event);
}

/**
 * Puts the invocation's decision events on the default bus, 10 per call (EventBridge's client is
 * loaded only when there is one). Best effort: what is not accepted is logged and counted
 * (`DecisionEventsFailed`), and never changes a decision or fails the invocation.
 */
export async function flushDecisionEvents(region: string, latest: number): Promise<void> {
  const events = pending.splice(0).map((build) => build(region)).filter((event): event is DecisionEvent => event !== undefined);
  if (events.length === 0) return;
  let failed: number;
  try {
    const { putDecisionEvents } = await eventsApi();
    failed = await putDecisionEvents(events, latest);
  } catch (error) {
    logger.warn('could not load the EventBridge client for decision events', { error: error as Error });
    failed = events.length;
  }
  if (failed > 0) {
    logger.warn('decision events not accepted by EventBridge; decisions are unchanged', { failed, of: events.length });
    metrics.addMetric(MetricName.DECISION_EVENTS_FAILED, MetricUnit.Count, failed);
  }
}
