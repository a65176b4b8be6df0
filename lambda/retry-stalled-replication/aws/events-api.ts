import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { DECISION_EVENT_SOURCE, type DecisionEvent } from '../decide/decision-event';
import { AWS_CLIENT_SETTINGS, sendBefore } from './clients';

/** Created once per execution environment, when the first decision event goes out (a chunk of its own). */
const events = new EventBridgeClient(AWS_CLIENT_SETTINGS);

/** PutEvents takes at most 10 entries per call. */
const ENTRIES_PER_CALL = 10;

/** Puts decision events on the account's default bus, 10 per call. Returns how many were not accepted. */
export async function putDecisionEvents(decisionEvents: readonly DecisionEvent[], latest: number): Promise<number> {
  let failed = 0;
  for (let start = 0; start < decisionEvents.length; start += ENTRIES_PER_CALL) {
    const batch = decisionEvents.slice(start, start + ENTRIES_PER_CALL);
    try {
      const answer = await sendBefore(latest, 'EventBridge PutEvents', (abortSignal) =>
        events.send(
          new PutEventsCommand({
            Entries: batch.map((event) => ({ Source: DECISION_EVENT_SOURCE, DetailType: event.detailType, Detail: JSON.stringify(event.detail) })),
          }),
          { abortSignal },
        ),
      );
      // A 200 answer can still carry entries EventBridge did not accept.
      failed += answer.FailedEntryCount ?? 0;
    } catch {
      failed += batch.length;
    }
  }
  return failed;
}
