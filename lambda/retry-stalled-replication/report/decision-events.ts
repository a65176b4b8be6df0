import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { putDecisionEvents } from '../aws/events-api';
import { decisionEvent, type DecisionEvent, type DecisionFacts } from '../decide/decision-event';
import { MetricName } from './metric-names';
import { logger, metrics } from './powertools';

/** The decision events of the current invocation, put on the bus together at its end. */
const pending: ((region: string) => DecisionEvent | undefined)[] = [];

/** Keeps a decision's event (if it is a notable one) for the end of the invocation. */
export function recordDecisionEvent(facts: DecisionFacts): void {
  pending.push((region) => decisionEvent(facts, region));
}

/** Keeps an event built elsewhere (a mass stall's). */
export function recordEvent(event: (region: string) => DecisionEvent): void {
  pending.push(event);
}

/**
 * Puts the invocation's decision events on the default bus, 10 per call. Best effort: what is not
 * accepted is logged and counted (`DecisionEventsFailed`), and never changes a decision or fails
 * the invocation.
 */
export async function flushDecisionEvents(region: string, latest: number): Promise<void> {
  const events = pending.splice(0).map((build) => build(region)).filter((event): event is DecisionEvent => event !== undefined);
  if (events.length === 0) return;
  const { failed, error } = await putDecisionEvents(events, region, latest);
  if (failed > 0) {
    logger.warn('decision events not accepted by EventBridge; decisions are unchanged', { failed, of: events.length, ...(error === undefined ? {} : { error }) });
    metrics.addMetric(MetricName.DECISION_EVENTS_FAILED, MetricUnit.Count, failed);
  }
}
