import { mgnStallEvent } from '../../tools/local-aws/mgn-event';
import { TEST_ACCOUNT, TEST_REGION } from './lambda-environment';

/** Well-formed source server IDs for tests. */
export const SERVER_A = 's-1234567890abcdef0';
export const SERVER_B = 's-0a1b2c3d4e5f6a7b8';
export const SERVER_C = 's-9f8e7d6c5b4a39281';
export const OTHER_ACCOUNT = '444455556666';

/** An MGN stall event as EventBridge delivers it, dated now unless `time` is given. */
export function stallEvent(
  sourceServerID: string,
  overrides: { account?: string; region?: string; state?: string; time?: string } = {},
): Record<string, unknown> {
  return mgnStallEvent(sourceServerID, {
    accountID: overrides.account ?? TEST_ACCOUNT,
    region: overrides.region ?? TEST_REGION,
    id: '9da9af57-9253-4406-87cb-7cc400e43465',
    ...(overrides.state === undefined ? {} : { state: overrides.state }),
    ...(overrides.time === undefined ? {} : { time: overrides.time }),
  });
}
