import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { DEFAULT_CONFIG } from '../../lib/config';
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
};

/** `service:Operation` for each `new XCommand(` in a file, the service from the client it imports. */
function actionsCalledIn(file: string): string[] {
  const source = readFileSync(file, 'utf8');
  const clients = Object.keys(PREFIX).filter((client) => source.includes(`from '${client}'`));
  if (clients.length === 0) return [];
  expect(clients).toHaveLength(1);
  return [...source.matchAll(/new (\w+)Command\(/g)].map((match) => `${PREFIX[clients[0] as string]}:${match[1]}`);
}

function roleActions(template: Template): Set<string> {
  const statements = Object.values(template.findResources('AWS::IAM::Policy')).flatMap(
    (policy) => (policy as { Properties: { PolicyDocument: { Statement: { Action: string | string[] }[] } } }).Properties.PolicyDocument.Statement,
  );
  return new Set(statements.flatMap((statement) => [statement.Action].flat()));
}

it("the function's role allows every AWS call its code makes (OpsItems with the setting on)", () => {
  const called = readdirSync(ADAPTERS)
    .filter((file) => file.endsWith('.ts'))
    .flatMap((file) => actionsCalledIn(path.join(ADAPTERS, file)));
  expect(called).toEqual(expect.arrayContaining(['mgn:RetryDataReplication', 'dynamodb:BatchGetItem', 'events:PutEvents']));
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const allowed = roleActions(Template.fromStack(new MgnStallRetryStack(app, 'Role', { config: { ...DEFAULT_CONFIG, opsItems: true } })));
  expect([...new Set(called)].filter((action) => !allowed.has(action))).toEqual([]);
});
