import type { EscalationKind, LedgerEntry } from './stall-episode';

/** What the on-call engineer needs to know about a server a person has to look at. */
export interface EscalationFacts {
  readonly kind: EscalationKind;
  readonly sourceServerID: string;
  readonly hostname?: string;
  readonly accountID: string;
  readonly region: string;
  readonly replicationState?: string;
  readonly lifeCycleState?: string;
  readonly replicationError?: string;
  readonly rawError?: string;
  readonly entry: LedgerEntry;
  readonly maxAttempts: number;
  /** When the notice is written (epoch milliseconds). */
  readonly now: number;
}

/** What to check first, per MGN data replication error (MGN User Guide, common replication errors). */
const HINTS: readonly [readonly string[], string][] = [
  [
    ['AGENT_NOT_SEEN'],
    'The replication agent has not been seen. Check that the agent service runs on the source ' +
      '(Linux: systemctl status aws-replication; Windows: services.msc) and that the source ' +
      'reaches the regional MGN endpoint on TCP 443.',
  ],
  [
    ['NOT_CONVERGING'],
    'Replication is not converging: the source writes faster than it replicates. Check the ' +
      'available bandwidth (run the bandwidth test), the staging disk type in the replication ' +
      'settings, and the source CPU and memory.',
  ],
  [
    ['SNAPSHOTS_FAILURE', 'LAST_SNAPSHOT_JOB_FAILED'],
    'Snapshots fail. Check IAM permissions and SCPs on ec2:CreateSnapshot, EC2 API throttling ' +
      'in CloudTrail, and the KMS key policy of the staging disks.',
  ],
  [
    [
      'FAILED_TO_PAIR_REPLICATION_SERVER_WITH_AGENT',
      'FAILED_TO_CONNECT_AGENT_TO_REPLICATION_SERVER',
      'FAILED_TO_START_DATA_TRANSFER',
      'UNSTABLE_NETWORK',
    ],
    'The agent and the replication server cannot pair or talk. Check TCP 1500 from the source ' +
      'to the replication server subnet and TCP 443 to the MGN endpoint; firewalls, proxies, ' +
      'security groups and network ACLs in between.',
  ],
  [
    ['FAILED_TO_AUTHENTICATE_WITH_SERVICE', 'FAILED_TO_DOWNLOAD_REPLICATION_SOFTWARE'],
    'The replication server cannot reach AWS. Check that the staging subnet reaches the MGN, ' +
      'S3 and EC2 endpoints on TCP 443 (routes, NAT, VPC endpoints).',
  ],
  [
    ['FAILED_TO_CREATE_STAGING_DISKS', 'FAILED_TO_ATTACH_STAGING_DISKS'],
    'Staging disks cannot be created or attached. Check the EBS encryption KMS key and its ' +
      'policy, and ec2:CreateVolume / ec2:AttachVolume errors in CloudTrail.',
  ],
  [
    ['FAILED_TO_LAUNCH_REPLICATION_SERVER', 'FAILED_TO_BOOT_REPLICATION_SERVER', 'FAILED_TO_CREATE_SECURITY_GROUP'],
    'The replication server cannot be launched. Check the replication settings (subnet, ' +
      'instance type, security groups), EC2 quotas, and the MGN IAM prerequisites.',
  ],
  [
    ['UNSUPPORTED_VM_CONFIGURATION'],
    'The source configuration is not supported (for example a volume under 1 MiB). Reinstall ' +
      'the agent excluding that disk, or change the source.',
  ],
];

const GENERAL_HINT =
  'Check connectivity from the source to the replication server (TCP 1500) and to the MGN ' +
  'endpoint (TCP 443), API throttling in CloudTrail, and the agent logs on the source.';

/** The hint for an MGN data replication error. */
export function hintFor(replicationError: string | undefined): string {
  return HINTS.find(([errors]) => errors.includes(replicationError ?? ''))?.[1] ?? GENERAL_HINT;
}

/** The MGN console page of a source server. */
export function consoleUrl(region: string, sourceServerID: string): string {
  const host = region.startsWith('cn-')
    ? 'console.amazonaws.cn'
    : region.startsWith('us-gov-')
      ? 'console.amazonaws-us-gov.com'
      : `${region}.console.aws.amazon.com`;
  return `https://${host}/mgn/home?region=${region}#/sourceServers/${sourceServerID}`;
}

/** The notification's subject and plain-text body, readable as an e-mail. Pure. */
export function formatEscalation(facts: EscalationFacts): { subject: string; message: string } {
  const name = facts.hostname ? `${facts.hostname} (${facts.sourceServerID})` : facts.sourceServerID;
  const { entry } = facts;
  const attempts = entry.attemptTimes.length;
  const retries = `${attempts} ${attempts === 1 ? 'retry' : 'retries'}`;
  const stalledFor = formatDuration(facts.now - entry.episodeStartedAt);
  const { headline, subject } = {
    BUDGET_SPENT: {
      headline:
        `AWS MGN data replication for ${name} is still stalled after ${retries}. mgn-stall-retry will not ` +
        'retry it again in this stall episode: a person needs to act.',
      subject: `MGN replication still stalled after ${retries}: ${name}`,
    },
    ACCESS_DENIED: {
      headline:
        `AWS MGN data replication for ${name} is stalled, and RetryDataReplication is denied for it: ` +
        'mgn-stall-retry cannot retry it. Check the function role, service control policies and permission ' +
        'boundaries for mgn:RetryDataReplication on this server, then act on the stall.',
      subject: `MGN retry denied, replication stalled: ${name}`,
    },
    STILL_STALLED: {
      headline:
        `AWS MGN data replication for ${name} has been stalled for ${stalledFor} without replicating again ` +
        `(${retries} made). Retries are not getting it going: a person needs to act.`,
      subject: `MGN replication stalled for ${stalledFor}: ${name}`,
    },
  }[facts.kind];
  const rows: [string, string][] = [
    ['Source server', facts.sourceServerID],
    ['Hostname', facts.hostname ?? 'unknown'],
    ['Account / Region', `${facts.accountID} / ${facts.region}`],
    ['Replication state', facts.replicationState ?? 'unknown'],
    ['Lifecycle state', facts.lifeCycleState ?? 'unknown'],
    ['MGN error', facts.replicationError ?? 'none reported'],
    ['Raw error', facts.rawError ?? 'none reported'],
    ['Stalled since', `${iso(entry.episodeStartedAt)} (${stalledFor})`],
    ['Retries', `${attempts} of ${facts.maxAttempts}: ${entry.attemptTimes.map(iso).join(', ') || 'none'}`],
    ...(entry.lastRetryProblem === undefined ? [] : [['Last retry', entry.lastRetryProblem] as [string, string]]),
  ];
  const width = Math.max(...rows.map(([label]) => label.length)) + 2;
  const message = [
    wrap(headline),
    '',
    ...rows.map(([label, value]) => `${`${label}:`.padEnd(width)}${value}`),
    '',
    'What to check first:',
    wrap(hintFor(facts.replicationError)),
    '',
    'Open the server in the MGN console:',
    consoleUrl(facts.region, facts.sourceServerID),
    '',
    wrap(
      'Once the cause is fixed, replication resumes on its own, or press "Retry data replication" ' +
        'in the console. The stall episode ends when MGN shows the server replicating again; a later ' +
        'stall starts a new episode with a fresh retry budget and its own notification.',
    ),
    ...(entry.repairNote === undefined ? [] : ['', wrap(`Note: ${entry.repairNote}.`)]),
  ].join('\n');
  return { subject: subjectLine(subject), message };
}

/** An account-wide problem that stops every retry in an account and Region. */
export type AccountProblem = 'MGN_NOT_INITIALIZED' | 'ACCESS_DENIED';

/** The notice for an account-wide problem: sent at most once a week while it lasts. Pure. */
export function formatAccountNotice(
  problem: AccountProblem,
  accountID: string,
  region: string,
  error: { code: string; message: string },
): { subject: string; message: string } {
  const { headline, action, subject } = {
    MGN_NOT_INITIALIZED: {
      subject: `MGN is not initialized in ${accountID} ${region}: mgn-stall-retry has nothing to watch`,
      headline: `AWS Application Migration Service is not initialized in account ${accountID}, Region ${region}, so mgn-stall-retry cannot read or retry any source server there.`,
      action:
        'If migrations run in this account and Region, initialize MGN (MGN console, "Get started", or the ' +
        'InitializeService API). If they do not, this stack is deployed in the wrong account or Region: ' +
        'remove it with cdk destroy. Sweeps keep succeeding meanwhile; this notice repeats at most weekly.',
    },
    ACCESS_DENIED: {
      subject: `mgn-stall-retry cannot read MGN in ${accountID} ${region}: access denied`,
      headline: `mgn-stall-retry is denied mgn:DescribeSourceServers in account ${accountID}, Region ${region}, so it cannot see or retry any source server there.`,
      action:
        'Check the function role (it is granted mgn:DescribeSourceServers by the stack), service control ' +
        'policies of the account, and permission boundaries. Sweeps keep succeeding meanwhile; this ' +
        'notice repeats at most weekly.',
    },
  }[problem];
  const message = [wrap(headline), '', `Error: ${error.code}: ${error.message}`, '', 'What to do:', wrap(action)].join('\n');
  return { subject: subjectLine(subject), message };
}

/** A duration in the largest units that read well: "45 min", "3 h 10 min", "2 d 4 h". */
export function formatDuration(ms: number): string {
  const minutes = Math.max(0, Math.round(ms / 60_000));
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return minutes % 60 === 0 ? `${hours} h` : `${hours} h ${minutes % 60} min`;
  return hours % 24 === 0 ? `${Math.floor(hours / 24)} d` : `${Math.floor(hours / 24)} d ${hours % 24} h`;
}

/** Wraps prose at 76 characters, as plain-text e-mail reads best. */
function wrap(text: string, width = 76): string {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line !== '' && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line === '' ? word : `${line} ${word}`;
    }
  }
  return [...lines, line].join('\n');
}

/** SNS subjects must be printable ASCII on one line, under 100 characters. */
function subjectLine(text: string): string {
  const ascii = text.replace(/[^\x20-\x7e]/g, '?');
  return ascii.length <= 99 ? ascii : `${ascii.slice(0, 96)}...`;
}

function iso(time: number): string {
  return Number.isFinite(time) ? new Date(time).toISOString() : 'an unknown time';
}
