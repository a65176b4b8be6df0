import { CHAT_LIMITS, chatNotification, code, type ChatNotification } from './chat-message';
import { consoleUrl } from './console-link';
import { guideFor } from './error-guide';
import { FLEET_NOTICE_SERVERS, type StalledServerLine } from './mass-stall';
import type { EscalationKind, LedgerEntry } from './stall-episode';
import { chatText, inProse, oneLine, TEXT_LIMITS } from './untrusted-text';

/** What the on-call engineer needs to know about a server a person has to look at. */
export interface EscalationFacts {
  readonly kind: EscalationKind;
  readonly sourceServerID: string;
  readonly hostname?: string;
  readonly accountID: string;
  readonly region: string;
  readonly replicationState?: string;
  readonly lifeCycleState?: string;
  /** `AGENT_BASED` or `SNAPSHOT_SHIPPING` (agentless). */
  readonly replicationType?: string;
  readonly replicationError?: string;
  readonly rawError?: string;
  /** The replication initiation steps, in MGN's order, with their status. */
  readonly initiationSteps?: readonly { readonly name: string; readonly status: string }[];
  /** MGN's own next initiation attempt (epoch ms). */
  readonly nextAttemptAt?: number;
  /** The triage policy that was applied, in words ("not retried: AGENT_NOT_SEEN needs a person"). */
  readonly policy?: string;
  readonly entry: LedgerEntry;
  readonly maxAttempts: number;
  /** When the notice is written (epoch milliseconds). */
  readonly now: number;
}

/** The guide's meaning and check for a server, for the log and the notices. */
export function hintFor(replicationError: string | undefined, replicationType?: string): string {
  return guideFor(replicationError, replicationType).check;
}

/** The initiation steps up to the one that failed, as a person reads them: "WAIT ok, … LAUNCH_REPLICATION_SERVER FAILED". */
export function describeSteps(steps: EscalationFacts['initiationSteps']): string {
  if (steps === undefined || steps.length === 0) return 'none reported';
  if (steps.every((step) => step.status === 'SUCCEEDED')) return `all ${steps.length} succeeded (replication started, then stalled)`;
  const failed = steps.findIndex((step) => step.status === 'FAILED');
  const shown = failed < 0 ? steps : steps.slice(0, failed + 1);
  return oneLine(shown.map((step) => `${step.name} ${step.status === 'SUCCEEDED' ? 'ok' : step.status}`).join(', '), TEXT_LIMITS.message);
}

/** A notice in the shapes it goes out in: an e-mail's subject and plain text, and a chat message. */
export interface Notice {
  readonly subject: string;
  readonly message: string;
  readonly chat: ChatNotification;
}

/**
 * The notification's subject and plain-text body, readable as an e-mail, and its chat message.
 * Every value from MGN is cleaned (untrusted-text): on one line and bounded in the e-mail, also
 * escaped in chat. Pure.
 */
export function formatEscalation(facts: EscalationFacts): Notice {
  const id = oneLine(facts.sourceServerID, TEXT_LIMITS.value);
  const hostname = facts.hostname === undefined ? undefined : oneLine(facts.hostname, TEXT_LIMITS.hostname) || undefined;
  const replicationError = facts.replicationError === undefined ? undefined : oneLine(facts.replicationError, TEXT_LIMITS.value);
  const { entry } = facts;
  const attempts = entry.attemptTimes.length;
  const retries = `${attempts} ${attempts === 1 ? 'retry' : 'retries'}`;
  const stalledFor = formatDuration(facts.now - entry.episodeStartedAt);
  const agentless = facts.replicationType === 'SNAPSHOT_SHIPPING';
  const policy = facts.policy === undefined ? 'retried within the budget' : oneLine(facts.policy, TEXT_LIMITS.value);
  const lastRetry = entry.lastRetryProblem === undefined ? undefined : oneLine(entry.lastRetryProblem, TEXT_LIMITS.message);
  const steps = describeSteps(facts.initiationSteps);
  // The same words for each shape, with the values as that shape needs them.
  const wording = (name: string, error: string): { headline: string; subject: string } => ({
    BUDGET_SPENT: {
      headline:
        `AWS MGN data replication for ${name} is still stalled after ${retries}. mgn-stall-retry will not ` +
        'retry it again in this stall episode: a person needs to act.',
      subject: `MGN replication still stalled after ${retries}: ${name}`,
    },
    NEEDS_PERSON: {
      headline: agentless
        ? `AWS MGN agentless replication for ${name} is stalled (${error}). mgn-stall-retry does not retry agentless servers: a person needs to act.`
        : `AWS MGN data replication for ${name} is stalled with ${error}, which a retry does not fix. mgn-stall-retry has not retried it: a person needs to act.`,
      subject: `MGN replication stalled, needs a person (${agentless ? 'agentless' : error}): ${name}`,
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
  })[facts.kind];
  const plainName = (value: (text: string, limit: number) => string): string =>
    hostname ? `${value(hostname, TEXT_LIMITS.hostname)} (${value(id, TEXT_LIMITS.value)})` : value(id, TEXT_LIMITS.value);
  const plainError = (value: (text: string, limit: number) => string): string => value(replicationError ?? 'no error reported', TEXT_LIMITS.value);
  const { headline } = wording(plainName(inProse), plainError(inProse));
  const { subject } = wording(plainName(oneLine), plainError(oneLine));
  const chatWords = wording(plainName(chatText), plainError(chatText));
  const guide = guideFor(facts.replicationError, facts.replicationType);
  const rows: [string, string][] = [
    ['Source server', id],
    ['Hostname', hostname ?? 'unknown'],
    ['Account / Region', `${facts.accountID} / ${facts.region}`],
    ['Replication type', agentless ? 'agentless (SNAPSHOT_SHIPPING)' : 'agent-based'],
    ['Replication state', oneLine(facts.replicationState ?? 'unknown', TEXT_LIMITS.value)],
    ['Lifecycle state', oneLine(facts.lifeCycleState ?? 'unknown', TEXT_LIMITS.value)],
    ['MGN error', replicationError ?? 'none reported'],
    ['Raw error', facts.rawError === undefined ? 'none reported' : oneLine(facts.rawError, TEXT_LIMITS.rawError)],
    ['Initiation steps', steps],
    ['MGN next attempt', facts.nextAttemptAt === undefined ? 'none scheduled' : iso(facts.nextAttemptAt)],
    ['Policy applied', policy],
    ['Stalled since', `${iso(entry.episodeStartedAt)} (${stalledFor})`],
    ['Retries', `${attempts} of ${facts.maxAttempts}: ${entry.attemptTimes.map(iso).join(', ') || 'none'}`],
    ...(lastRetry === undefined ? [] : [['Last retry', lastRetry] as [string, string]]),
  ];
  const width = Math.max(...rows.map(([label]) => label.length)) + 2;
  const message = [
    wrap(headline),
    '',
    ...rows.map(([label, value]) => `${`${label}:`.padEnd(width)}${value}`),
    '',
    'What it means:',
    wrap(guide.meaning),
    '',
    'What to check first:',
    wrap(guide.check),
    '',
    'Open the server in the MGN console:',
    consoleUrl(facts.region, id),
    '',
    wrap(
      'Once the cause is fixed, replication resumes on its own, or press "Retry data replication" ' +
        'in the console. The stall episode ends when MGN shows the server replicating again; a later ' +
        'stall starts a new episode with a fresh retry budget and its own notification.',
    ),
    ...(entry.repairNote === undefined ? [] : ['', wrap(`Note: ${oneLine(entry.repairNote, TEXT_LIMITS.message)}.`)]),
  ].join('\n');
  const link = consoleUrl(facts.region, id);
  const chat = chatNotification({
    title: `:rotating_light: ${chatWords.subject}`,
    summary: chatWords.headline,
    lines: [
      chatWords.headline,
      `*Error:* ${replicationError === undefined ? 'none reported' : code(replicationError)}: ${guide.meaning}`,
      `*Initiation steps:* ${chatText(steps, TEXT_LIMITS.message)}`,
      `*Policy applied:* ${chatText(policy, TEXT_LIMITS.value)}`,
      `*Retries:* ${attempts} of ${facts.maxAttempts}; stalled since ${iso(entry.episodeStartedAt)} (${stalledFor})`,
      ...(lastRetry === undefined ? [] : [`*Last retry:* ${chatText(lastRetry, TEXT_LIMITS.message)}`]),
      `*Server:* ${code(id)} in ${facts.accountID} / ${facts.region} (${agentless ? 'agentless' : 'agent-based'})`,
    ],
    nextSteps: [guide.check, `Open the server in the MGN console: ${link}`, 'Once fixed, replication resumes on its own, or press "Retry data replication" in the console.'],
    keywords: ['MGN', facts.kind, ...(replicationError === undefined ? [] : [chatText(replicationError, CHAT_LIMITS.keyword)])],
    threadId: `mgn-stall-retry/${facts.accountID}/${id}`,
    eventType: 'Stall Escalated',
    relatedResources: [`arn:${partitionOf(facts.region)}:mgn:${facts.region}:${facts.accountID}:source-server/${id}`],
  });
  return { subject: subjectLine(subject), message, chat };
}

/** SNS takes a message of at most 256 KB: every shape of a JSON-structured one together. */
export const SNS_MESSAGE_LIMIT_BYTES = 262_144;

const CLIPPED_NOTE = '\n\n[clipped: the notice was longer than an SNS message may be]';

/**
 * The `MessageStructure: json` message of a notice: the chat notification as `default`, the plain
 * text as `email`. The values in a notice are bounded already; should it still exceed what SNS
 * takes, the e-mail text is clipped (with a note) so that the whole message fits, since a message
 * SNS refuses would fail the decision every time. Pure.
 */
export function snsMessage(notice: Notice): string {
  const chat = JSON.stringify(notice.chat);
  const whole = JSON.stringify({ default: chat, email: notice.message });
  if (Buffer.byteLength(whole, 'utf8') <= SNS_MESSAGE_LIMIT_BYTES) return whole;
  // The bytes left for the text, as JSON encodes it, with the ellipsis and the note.
  const frame = Buffer.byteLength(JSON.stringify({ default: chat, email: `…${CLIPPED_NOTE}` }), 'utf8');
  let budget = SNS_MESSAGE_LIMIT_BYTES - frame;
  let end = 0;
  for (const character of notice.message) {
    budget -= Buffer.byteLength(JSON.stringify(character), 'utf8') - 2;
    if (budget < 0) break;
    end += character.length;
  }
  const clipped = JSON.stringify({ default: chat, email: `${notice.message.slice(0, end)}…${CLIPPED_NOTE}` });
  if (Buffer.byteLength(clipped, 'utf8') > SNS_MESSAGE_LIMIT_BYTES) {
    throw new Error(`the notice does not fit an SNS message (${SNS_MESSAGE_LIMIT_BYTES} bytes) even without its text`);
  }
  return clipped;
}

/** The ARN partition of a Region. */
export function partitionOf(region: string): string {
  return region.startsWith('cn-') ? 'aws-cn' : region.startsWith('us-gov-') ? 'aws-us-gov' : 'aws';
}

/** A stalled server as the fleet notice lists it. */
/** The one notice of a mass stall: the servers, their errors, and the shared causes to check. Pure. */
export function formatMassStall(
  facts: { accountID: string; region: string; stalled: number; inReplication: number; servers: readonly StalledServerLine[]; now: number },
): Notice {
  // Every value from MGN on one line and bounded before anything counts or shows it.
  const servers = facts.servers.map((server) => {
    const hostname = oneLine(server.hostname ?? '', TEXT_LIMITS.hostname);
    const failedStep = oneLine(server.failedStep ?? '', TEXT_LIMITS.value);
    return {
      sourceServerID: oneLine(server.sourceServerID, TEXT_LIMITS.value),
      ...(hostname === '' ? {} : { hostname }),
      ...(server.replicationError === undefined ? {} : { replicationError: oneLine(server.replicationError, TEXT_LIMITS.value) }),
      ...(failedStep === '' ? {} : { failedStep }),
      policy: oneLine(server.policy, TEXT_LIMITS.value),
    };
  });
  const listed = servers.slice(0, FLEET_NOTICE_SERVERS);
  const errors = new Map<string, number>();
  for (const server of servers) errors.set(server.replicationError ?? 'none reported', (errors.get(server.replicationError ?? 'none reported') ?? 0) + 1);
  const message = [
    wrap(
      `${facts.stalled} of the ${facts.inReplication} source servers in replication in account ${facts.accountID}, ` +
        `Region ${facts.region}, are stalled at once (${iso(facts.now)}). A cause this wide is shared: ` +
        'mgn-stall-retry has paused its per-server retries and notices until the share drops, and sends this one notice instead.',
    ),
    '',
    'Errors reported:',
    ...[...errors.entries()].sort((a, b) => b[1] - a[1]).map(([error, count]) => `  ${error}: ${count}`),
    '',
    'Shared causes to check first:',
    ...[
      'The staging subnet: route table, NAT or VPC endpoints to MGN, EC2 and S3 on TCP 443, network ACLs.',
      'The link from the source data center: VPN tunnels or Direct Connect, firewalls, TCP 1500 to the staging subnet.',
      'EC2 quotas and capacity for the replication servers (instance type, Availability Zone), and EBS quotas.',
      'The EBS encryption KMS key of the staging disks: its key policy, and whether it is disabled or scheduled for deletion.',
      'AWS Health: an event for MGN, EC2 or EBS in this Region.',
    ].map((line) => wrap(`- ${line}`).replace(/\n/g, '\n  ')),
    '',
    `Stalled servers${servers.length > listed.length ? ` (first ${listed.length} of ${servers.length})` : ''}:`,
    ...listed.map((server) =>
      `- ${server.hostname ? `${server.hostname} (${server.sourceServerID})` : server.sourceServerID}: ${server.replicationError ?? 'no error reported'}` +
        `${server.failedStep ? `, failed at ${server.failedStep}` : ''}; ${server.policy}`,
    ),
    '',
    'Open MGN in the console:',
    consoleUrl(facts.region, '').replace(/#\/sourceServers\/$/, '#/sourceServers'),
    '',
    wrap('Per-server handling resumes by itself once a sweep finds fewer servers stalled than the mass-stall threshold.'),
  ].join('\n');
  const subject = `MGN mass stall: ${facts.stalled} of ${facts.inReplication} servers stalled in ${facts.accountID} ${facts.region}`;
  const chat = chatNotification({
    title: `:rotating_light: ${subject}`,
    summary: `${facts.stalled} of ${facts.inReplication} servers stalled at once: a shared cause; per-server retries paused`,
    lines: [
      `${facts.stalled} of the ${facts.inReplication} source servers in replication in ${facts.accountID} / ${facts.region} are stalled at once. Per-server retries and notices are paused until the share drops.`,
      `*Errors:* ${[...errors.entries()].sort((a, b) => b[1] - a[1]).map(([error, count]) => `${code(error)} ${count}`).join(', ')}`,
      `*Servers:* ${listed.slice(0, 10).map((server) => code(server.hostname ?? server.sourceServerID, TEXT_LIMITS.hostname)).join(', ')}${servers.length > 10 ? ` and ${servers.length - 10} more` : ''}`,
    ],
    nextSteps: [
      'Check the staging subnet (routes, NAT or VPC endpoints, network ACLs) and the link from the source data center (VPN, Direct Connect, TCP 1500).',
      'Check EC2 and EBS quotas, the staging disks\' KMS key, and AWS Health for MGN, EC2 and EBS in this Region.',
    ],
    keywords: ['MGN', 'MASS_STALL'],
    threadId: `mgn-stall-retry/${facts.accountID}/mass-stall`,
    eventType: 'Mass Stall Detected',
  });
  return { subject: subjectLine(subject), message, chat };
}

/** An account-wide problem that stops every retry in an account and Region. */
export type AccountProblem = 'MGN_NOT_INITIALIZED' | 'ACCESS_DENIED' | 'SPOKE_ROLE_UNAVAILABLE';

/** The notice for an account-wide problem: sent at most once a week while it lasts. Pure. */
export function formatAccountNotice(
  problem: AccountProblem,
  accountID: string,
  region: string,
  reported: { code: string; message: string },
): Notice {
  // The error's words come from AWS, in a hub from another account's answer: on one line, bounded.
  const error = { code: oneLine(reported.code, TEXT_LIMITS.value), message: oneLine(reported.message, TEXT_LIMITS.message) };
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
    SPOKE_ROLE_UNAVAILABLE: {
      subject: `mgn-stall-retry cannot reach ${accountID} ${region}: its spoke role cannot be assumed`,
      headline: `The mgn-stall-retry hub cannot assume the spoke role of account ${accountID} in Region ${region}, so it cannot read or retry any source server there.`,
      action:
        'Deploy the spoke template in this account and Region (add the account to the StackSet\'s OU, or ' +
        'cdk deploy the spoke stack there), and check that the spoke role trusts the hub account\'s role ' +
        '(docs/organizations.md). Sweeps of other accounts keep succeeding meanwhile; this notice repeats at most weekly.',
    },
  }[problem];
  const message = [wrap(headline), '', `Error: ${error.code}: ${error.message}`, '', 'What to do:', wrap(action)].join('\n');
  const chat = chatNotification({
    title: `:warning: ${subject}`,
    summary: headline,
    lines: [headline, `*Error:* ${code(`${error.code}: ${error.message}`, TEXT_LIMITS.message)}`],
    nextSteps: [action],
    keywords: ['MGN', problem],
    threadId: `mgn-stall-retry/${accountID}/account`,
    eventType: 'Account Notice',
  });
  return { subject: subjectLine(subject), message, chat };
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
