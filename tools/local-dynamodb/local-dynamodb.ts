import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { CreateTableCommand, DeleteItemCommand, DynamoDBClient, PutItemCommand, ScanCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import { readBody, signatureProblem } from '../local-aws/http-stand-in';
import { OPEN_EPISODE_ATTRIBUTE, OPEN_EPISODES_INDEX } from '../../lambda/retry-stalled-replication/decide/ledger-record';

/** A running dynalite (a DynamoDB implementation in memory) with the attempt ledger table. */
export interface LocalDynamoDB {
  readonly endpoint: string;
  readonly tableName: string;
  /** Every item of the ledger table. */
  items(): Promise<Record<string, AttributeValue>[]>;
  /** Writes an item as it is, bypassing the function: a hand-written, old or damaged entry. */
  putItem(item: Record<string, AttributeValue>): Promise<void>;
  /** Deletes every item: a fresh ledger for the next test. */
  clear(): Promise<void>;
  /** DynamoDB API requests received so far, by operation (`GetItem`, `PutItem`, …). */
  requests(): Readonly<Record<string, number>>;
  stop(): Promise<void>;
}

/** The ledger table as the stack defines it: partition key `pk`, and the sparse open-episodes index. */
export async function startLocalDynamoDB(tableName = 'mgn-stall-retry-ledger'): Promise<LocalDynamoDB> {
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  const counts: Record<string, number> = {};
  // dynalite does not check signatures: its handler runs only once the signature checks out.
  const serve = server.listeners('request') as ((request: IncomingMessage, response: ServerResponse) => void)[];
  server.removeAllListeners('request');
  server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    const operation = String(request.headers['x-amz-target'] ?? 'unknown').replace(/^DynamoDB_\d+\./, '');
    counts[operation] = (counts[operation] ?? 0) + 1;
    void readBody(request).then(async (body) => {
      const problem = await signatureProblem(request, 'dynamodb', body);
      if (problem === undefined) {
        // dynalite reads the body the signature covered, replayed.
        const replay = Object.assign(Readable.from([Buffer.from(body)]), { headers: request.headers, method: request.method, url: request.url, socket: request.socket });
        for (const handle of serve) handle.call(server, replay as unknown as IncomingMessage, response);
        return;
      }
      response.writeHead(400, { 'content-type': 'application/x-amz-json-1.0' });
      response.end(JSON.stringify({ __type: 'com.amazon.coral.service#InvalidSignatureException', message: problem }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const client = new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  await client.send(
    new CreateTableCommand({
      TableName: tableName,
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: OPEN_EPISODE_ATTRIBUTE, AttributeType: 'S' },
        { AttributeName: 'episodeOpenedAt', AttributeType: 'N' },
      ],
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      GlobalSecondaryIndexes: [
        {
          IndexName: OPEN_EPISODES_INDEX,
          KeySchema: [{ AttributeName: OPEN_EPISODE_ATTRIBUTE, KeyType: 'HASH' }, { AttributeName: 'episodeOpenedAt', KeyType: 'RANGE' }],
          Projection: { ProjectionType: 'KEYS_ONLY' },
        },
      ],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
  const items = async (): Promise<Record<string, AttributeValue>[]> =>
    (await client.send(new ScanCommand({ TableName: tableName }))).Items ?? [];
  return {
    endpoint,
    tableName,
    items,
    putItem: async (item) => {
      await client.send(new PutItemCommand({ TableName: tableName, Item: item }));
    },
    requests: () => ({ ...counts }),
    clear: async () => {
      for (const item of await items()) {
        await client.send(new DeleteItemCommand({ TableName: tableName, Key: { pk: item['pk'] ?? { S: '' } } }));
      }
    },
    stop: async () => {
      client.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
