/**
 * The organization part of `npm run demo`: a hub serving two migration accounts through their spoke
 * roles, against the local stand-ins (a local STS issues the spoke sessions; the local MGN keeps
 * each account's servers apart).
 */
import { DEFAULT_CONFIG } from '../../lib/config';
import { spokeRoleArn } from '../../lambda/retry-stalled-replication/decide/hub';
import { invokeBundle, synthesizeBundledFunction } from '../bundle-runner/bundled-function';
import { LOCAL_ACCOUNT, LOCAL_REGION, startLocalAws } from '../local-aws/local-aws';
import { mgnStallEvent } from '../local-aws/mgn-event';
import { generateFleet, type LocalSourceServer } from '../local-mgn/local-mgn-server';

const WAVE_1 = '222233334444';
const WAVE_2 = '555566667777';
const CRM = 's-0a1b2c3d4e5f70001';
const HR = 's-0a1b2c3d4e5f70002';

function forwardedStall(accountID: string, sourceServerID: string): Record<string, unknown> {
  return mgnStallEvent(sourceServerID, { accountID, region: LOCAL_REGION });
}

function servers(accountID: string, stalledID: string, hostname: string, first: number): LocalSourceServer[] {
  return [
    {
      sourceServerID: stalledID, accountID, hostname, replicationState: 'STALLED', lifeCycleState: 'READY_FOR_TEST', isArchived: false,
      replicationError: { error: 'UNSTABLE_NETWORK', rawError: 'connection to replication server reset' }, afterRetry: 'RECOVERS',
    },
    ...generateFleet(first + 20, 0).slice(first).map((server) => ({ ...server, accountID })),
  ];
}

/** Runs the story and returns its rows: step, account, server, outcome, reason. */
export async function hubStory(): Promise<string[][]> {
  const hub = synthesizeBundledFunction({ ...DEFAULT_CONFIG, hub: { account: LOCAL_ACCOUNT, region: LOCAL_REGION, spokeAccounts: [WAVE_1, WAVE_2] } });
  const fleet = [...servers(WAVE_1, CRM, 'crm-01', 100), ...servers(WAVE_2, HR, 'hr-01', 200), ...generateFleet(20, 0)];
  const ownerOf = new Map(fleet.map((server) => [server.sourceServerID, server.accountID ?? LOCAL_ACCOUNT]));
  const local = await startLocalAws(fleet);
  // Wave 1's spoke is deployed (its role trusts the hub); wave 2's not yet.
  local.sts.trust(spokeRoleArn(WAVE_1, LOCAL_REGION));
  const rows: string[][] = [];
  const run = async (step: string, event: unknown): Promise<void> => {
    const [outcome] = (await invokeBundle(hub, [event], local.environment)).outcomes;
    if (!outcome?.ok) throw new Error(`${step}: ${outcome?.ok === false ? outcome.error.message : 'no outcome'}`);
    for (const entry of outcome.result.results) rows.push([step, ownerOf.get(entry.sourceServerID) ?? '?', entry.sourceServerID, entry.outcome, entry.reason ?? '']);
    for (const account of outcome.result.sweep?.accounts ?? []) {
      rows.push([step, account.accountID, `${account.serversScanned} servers`, account.outcome ?? 'swept', `${account.stalledServersFound} stalled, ${account.pagesRead} page(s)`]);
    }
  };
  try {
    await run('H1 stall in wave 1', forwardedStall(WAVE_1, CRM));
    await run('H2 stall in wave 2', forwardedStall(WAVE_2, HR));
    local.sts.trust(spokeRoleArn(WAVE_2, LOCAL_REGION));
    await run('H3 hub sweep', { sweep: true });
  } finally {
    await local.stop();
  }
  rows.push(['', '', '', '', '']);
  rows.push(['STS', '', `${local.sts.calls.length} AssumeRole`, local.sts.calls.map((call) => (call.granted ? 'granted' : 'denied')).join(', '), `session name ${local.sts.calls[0]?.sessionName ?? ''}`]);
  return rows;
}
