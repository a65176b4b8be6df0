import { randomUUID } from 'node:crypto';
import { STALL_EVENT_DETAIL_TYPE, STALL_EVENT_SOURCE } from '../../lambda/retry-stalled-replication/decide/input';

/** Whose server, where, and what the event says; the defaults are a stall happening now. */
export interface MgnStallEventOptions {
  readonly accountID: string;
  readonly region: string;
  /** `STALLED` or `NOT_STALLED`; anything else for tests of odd input. */
  readonly state?: string;
  /** Epoch milliseconds (written in whole seconds, as EventBridge writes times), or the text as it is. */
  readonly time?: number | string;
  /** The EventBridge event ID; the same ID again is the platform delivering the event again. */
  readonly id?: string;
}

/** MGN's "Data Replication Stalled Change" event for a source server, as EventBridge delivers it. */
export function mgnStallEvent(sourceServerID: string, options: MgnStallEventOptions): Record<string, unknown> {
  const { accountID, region, state = 'STALLED', time = Date.now(), id = randomUUID() } = options;
  return {
    version: '0',
    id,
    'detail-type': STALL_EVENT_DETAIL_TYPE,
    source: STALL_EVENT_SOURCE,
    account: accountID,
    time: typeof time === 'string' ? time : `${new Date(time).toISOString().slice(0, 19)}Z`,
    region,
    resources: [`arn:aws:mgn:${region}:${accountID}:source-server/${sourceServerID}`],
    detail: { state },
  };
}
