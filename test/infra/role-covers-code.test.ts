import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { DEFAULT_CONFIG, type MgnStallRetryConfig } from '../../lib/config';
import { MgnStallRetryStack } from '../../lib/mgn-stall-retry-stack';

// A call the role does not allow fails only on AWS (the local stand-ins check no IAM), so this
// test reads every SDK command the function's adapters send and looks for its action in the role.

const ADAPTERS = path.join(__dirname, '..', '..', 'lambda', 'retry-stalled-replication', 'aws');
/** The IAM service prefix of each client package the adapters import. */
const PREFIX: Record<string, string> = {
  '@aws-sdk/client-mgn': 'mgn',
  '@aws-sdk/client-dynamodb': 'dynamodb',
  '@aws-sdk/client-sns': 'sns',
  '@aws-sdk/client-eventbridge': 'events',
  '@aws-sdk/client-ssm': 'ssm',
  '@aws-sdk/client-sts': 'sts',
};
/** Adapters only a hub uses: their calls are granted in hub mode only. */
const HUB_ONLY = new Set(['hub-ledger.ts', 'sts-api.ts']);

/**
 * `service:Operation` for each call in a file: `new XCommand(` with the SDK client it imports, and
 * the JSON-protocol calls made without a client (aws/aws-json.ts): `dynamodb('X'`, `events('X'`.
 */
function actionsCalledIn(file: string): string[] {
  const source = readFileSync(file, 'utf8');
  const jsonCalls = [...source.matchAll(/\b(dynamodb|events)\('(\w+)'/g)].map((match) => `${match[1]}:${match[2]}`);
  const clients = Object.keys(PREFIX).filter((client) => new RegExp(`^import (?!type)[^;]*from '${client}'`, 'm').test(source));
  if (clients.length === 0) return jsonCalls;
  expect(clients).toHaveLength(1);
  return [...jsonCalls, ...[...source.matchAll(/new (\w+)Command\(/g)].map((match) => `${PREFIX[clients[0] as string]}:${match[1]}`)];
}

function roleActions(template: Template): Set<string> {
  const statements = Object.values(template.findResources('AWS::IAM::Policy')).flatMap(
    (policy) => (policy as { Properties: { PolicyDocument: { Statement: { Action: string | string[] }[] } } }).Properties.PolicyDocument.Statement,
  );
  return new Set(statements.flatMap((statement) => [statement.Action].flat()));
}

function allowedWith(config: MgnStallRetryConfig): Set<string> {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  return roleActions(Template.fromStack(new MgnStallRetryStack(app, 'Role', { config })));
}

it("the function's role allows every AWS call its code makes (OpsItems with the setting on; a hub's calls in hub mode)", () => {
  const files = readdirSync(ADAPTERS).filter((file) => file.endsWith('.ts'));
  const everywhere = files.filter((file) => !HUB_ONLY.has(file)).flatMap((file) => actionsCalledIn(path.join(ADAPTERS, file)));
  const hubOnly = files.filter((file) => HUB_ONLY.has(file)).flatMap((file) => actionsCalledIn(path.join(ADAPTERS, file)));
  expect(everywhere).toEqual(expect.arrayContaining(['mgn:RetryDataReplication', 'dynamodb:BatchGetItem', 'events:PutEvents']));
  expect(hubOnly).toEqual(expect.arrayContaining(['sts:AssumeRole', 'dynamodb:UpdateItem']));
  const single = allowedWith({ ...DEFAULT_CONFIG, opsItems: true });
  expect([...new Set(everywhere)].filter((action) => !single.has(action))).toEqual([]);
  const hub = allowedWith({ ...DEFAULT_CONFIG, opsItems: true, hub: { account: '999988887777', region: 'eu-west-1', spokeAccounts: ['111122223333'] } });
  expect([...new Set([...everywhere, ...hubOnly])].filter((action) => !hub.has(action))).toEqual([]);
  // A single-account deployment is granted none of the calls only a hub makes.
  expect(hubOnly.filter((action) => !everywhere.includes(action) && single.has(action))).toEqual([]);
});
