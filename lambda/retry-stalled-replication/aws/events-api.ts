import type { PutEventsCommandInput, PutEventsCommandOutput } from '@aws-sdk/client-eventbridge';
import { DECISION_EVENT_SOURCE, type DecisionEvent } from '../decide/decision-event';
import { callJson, type JsonService } from './aws-json';
import { sendBefore } from './clients';
import { EVENTS_ENDPOINTS } from './service-endpoints';

/** EventBridge as its SDK client calls it (awsJson1.1); aws/aws-json.ts says why not EventBridgeClient. */
const EVENTS: JsonService = { signingName: 'events', targetPrefix: 'AWSEvents', contentType: 'application/x-amz-json-1.1', endpoints: EVENTS_ENDPOINTS };

/** PutEvents takes at most 10 entries per call. */
const ENTRIES_PER_CALL = 10;

/** Calls an EventBridge operation in `region`. */
async function events(operation: 'PutEvents', input: PutEventsCommandInput, region: string, abortSignal: AbortSignal): Promise<Omit<PutEventsCommandOutput, '$metadata'>> {
  return (await callJson(EVENTS, operation, input, region, abortSignal)) as Omit<PutEventsCommandOutput, '$metadata'>;
}

/** What became of a set of decision events: how many EventBridge did not accept, and the last call's error. */
export interface PutEventsResult {
  readonly failed: number;
  readonly error?: Error;
}

/**
 * Puts decision events on the default bus of `region`, 10 per call, each call bounded by `latest`
 * (a `performance.now()` time). Never throws: what was not accepted is counted.
 */
export async function putDecisionEvents(decisionEvents: readonly DecisionEvent[], region: string, latest: number): Promise<PutEventsResult> {
  let failed = 0;
  let lastError: Error | undefined;
  for (let start = 0; start < decisionEvents.length; start += ENTRIES_PER_CALL) {
    const batch = decisionEvents.slice(start, start + ENTRIES_PER_CALL);
    const Entries = batch.map((event) => ({ Source: DECISION_EVENT_SOURCE, DetailType: event.detailType, Detail: JSON.stringify(event.detail) }));
    try {
      const answer = await sendBefore(latest, 'EventBridge PutEvents', (abortSignal) => events('PutEvents', { Entries }, region, abortSignal));
      // A 200 answer can still carry entries EventBridge did not accept.
      failed += answer.FailedEntryCount ?? 0;
    } catch (error) {
      failed += batch.length;
      lastError = error as Error;
    }
  }
  return { failed, ...(lastError === undefined ? {} : { error: lastError }) };
}
