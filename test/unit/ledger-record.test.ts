import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { fromItem, toItem } from '../../lambda/retry-stalled-replication/decide/ledger-record';
import type { LedgerEntry } from '../../lambda/retry-stalled-replication/decide/stall-episode';

const KEY = '111122223333#s-1234567890abcdef0';
const NOW = Date.parse('2026-11-25T12:00:00Z');
const read = (item: Record<string, AttributeValue>) => fromItem(KEY, { pk: { S: KEY }, ...item }, { now: NOW, maxAttempts: 3 });

describe('toItem and fromItem', () => {
  const entries: [string, LedgerEntry][] = [
    ['an open episode', { key: KEY, version: 3, episodeStartedAt: NOW - 1000, episodeOpenedAt: NOW - 1000, attemptTimes: [NOW - 1000, NOW], expiresAt: 99 }],
    ['a notice being sent', { key: KEY, version: 4, episodeStartedAt: NOW, episodeOpenedAt: NOW, attemptTimes: [NOW], expiresAt: 99, escalation: { kind: 'ACCESS_DENIED', state: 'PENDING', claimedAt: NOW, leaseUntil: NOW + 60_000 }, lastRetryProblem: 'attempt 1 denied: AccessDeniedException: no' }],
    ['a notice sent', { key: KEY, version: 5, episodeStartedAt: NOW, episodeOpenedAt: NOW, attemptTimes: [], expiresAt: 99, escalation: { kind: 'STILL_STALLED', state: 'SENT', claimedAt: NOW, leaseUntil: NOW + 60_000, sentAt: NOW + 5 } }],
    ['an ended episode', { key: KEY, version: 6, episodeStartedAt: NOW, episodeOpenedAt: NOW, attemptTimes: [NOW], expiresAt: 99, recoveredAt: NOW + 10 }],
  ];

  it.each(entries)('round-trips %s without problems', (_name, entry) => {
    const back = fromItem(KEY, toItem(entry), { now: NOW, maxAttempts: 3 });
    expect(back).toEqual({ entry, problems: [], condition: { kind: 'VERSION', value: { N: String(entry.version) } }, rewrite: false });
  });

  it('puts only open episodes in the open-episodes index, under their account', () => {
    expect(toItem(entries[0]?.[1] as LedgerEntry)['openEpisodeAccount']).toEqual({ S: '111122223333' });
    expect(toItem(entries[3]?.[1] as LedgerEntry)['openEpisodeAccount']).toBeUndefined();
  });
});

describe('fromItem on malformed items', () => {
  it.each<[string, Record<string, AttributeValue>, Partial<LedgerEntry>, RegExp, object]>([
    ['no version', { episodeStartedAt: { N: '5' }, attemptTimes: { L: [] } }, { version: 0 }, /version is missing/, { kind: 'NO_VERSION' }],
    ['a string version', { version: { S: '7' }, episodeStartedAt: { N: '5' }, attemptTimes: { L: [] } }, { version: 7 }, /version is stored as a string/, { kind: 'VERSION', value: { S: '7' } }],
    ['a negative version', { version: { N: '-2' }, episodeStartedAt: { N: '5' }, attemptTimes: { L: [] } }, { version: 0 }, /version is not a whole number/, { kind: 'VERSION', value: { N: '-2' } }],
    ['a start that is text', { version: { N: '1' }, episodeStartedAt: { S: 'yesterday' }, attemptTimes: { L: [] } }, { episodeStartedAt: NOW }, /episodeStartedAt is not a number/, { kind: 'VERSION' }],
    ['attempt times as strings', { version: { N: '1' }, episodeStartedAt: { N: '5' }, attemptTimes: { L: [{ S: String(NOW - 100) }, { N: String(NOW - 50) }] } }, { attemptTimes: [NOW - 100, NOW - 50] }, /attemptTimes\[0\] is not a number/, { kind: 'VERSION' }],
    ['an attempt time that is garbage', { version: { N: '1' }, episodeStartedAt: { N: '5' }, attemptTimes: { L: [{ S: 'soon' }] } }, { attemptTimes: [NOW] }, /attemptTimes\[0\]/, { kind: 'VERSION' }],
    ['attempts that are not a list', { version: { N: '1' }, episodeStartedAt: { N: '5' }, attemptTimes: { N: '2' } }, { attemptTimes: [NOW, NOW, NOW] }, /counted as spent/, { kind: 'VERSION' }],
    ['no attempts at all', { version: { N: '1' }, episodeStartedAt: { N: '5' } }, { attemptTimes: [NOW, NOW, NOW] }, /attemptTimes is missing/, { kind: 'VERSION' }],
    ['times in microseconds (far in the future)', { version: { N: '1' }, episodeStartedAt: { N: String(NOW * 1000) }, attemptTimes: { L: [{ N: String(NOW * 1000) }] } }, { episodeStartedAt: NOW, attemptTimes: [NOW] }, /episodeStartedAt is not a plausible time/, { kind: 'VERSION' }],
    ['a version past 2^53', { version: { N: '9007199254740992' }, episodeStartedAt: { N: String(NOW) }, attemptTimes: { L: [] } }, { version: 0 }, /version is not a whole number below 2\^53/, { kind: 'VERSION', value: { N: '9007199254740992' } }],
    ['an unknown escalation state', { version: { N: '1' }, episodeStartedAt: { N: '5' }, attemptTimes: { L: [] }, escalationState: { S: 'MAYBE' } }, { attemptTimes: [] }, /escalationState MAYBE/, { kind: 'VERSION' }],
  ])('%s: keeps what parses, replaces the rest conservatively, says what was wrong', (_name, item, expected, problem, condition) => {
    const { entry, problems, condition: written } = read(item);
    expect(entry).toMatchObject(expected);
    expect(problems.join('; ')).toMatch(problem);
    expect(entry.repairNote).toMatch(/malformed and was repaired/);
    expect(written).toMatchObject(condition);
    if (item['escalationState'] !== undefined) expect(entry.escalation).toBeUndefined();
  });

  it('reads an item of the first version (escalatedAt only) as a notice sent, to be added to the open-episodes index', () => {
    const at = String(NOW - 1000);
    const { entry, problems, rewrite } = read({ version: { N: '4' }, episodeStartedAt: { N: at }, attemptTimes: { L: [{ N: at }] }, escalatedAt: { N: at }, lastSeenStalledAt: { N: at } });
    expect(problems).toEqual([]);
    expect(rewrite).toBe(true);
    expect(entry.escalation).toEqual({ kind: 'BUDGET_SPENT', state: 'SENT', claimedAt: NOW - 1000, leaseUntil: NOW - 1000, sentAt: NOW - 1000 });
  });
});
