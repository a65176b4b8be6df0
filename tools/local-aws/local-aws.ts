import { startLocalDynamoDB, type LocalDynamoDB } from '../local-dynamodb/local-dynamodb';
import { LocalMgnServer, type LocalSourceServer } from '../local-mgn/local-mgn-server';
import { LocalSnsServer } from '../local-sns/local-sns-server';

export const LOCAL_ACCOUNT = '111122223333';
export const LOCAL_REGION = 'us-east-1';
export const LOCAL_TOPIC_ARN = `arn:aws:sns:${LOCAL_REGION}:${LOCAL_ACCOUNT}:mgn-stall-retry-local`;

/** The three AWS services the function uses, as local stand-ins on 127.0.0.1. */
export interface LocalAws {
  readonly mgn: LocalMgnServer;
  readonly sns: LocalSnsServer;
  readonly dynamodb: LocalDynamoDB;
  /**
   * What the function's environment needs to reach them: the standard AWS_ENDPOINT_URL_<SERVICE>
   * variables, the ledger table and the topic, dummy credentials.
   */
  readonly environment: Readonly<Record<string, string>>;
  stop(): Promise<void>;
}

/** Starts a local MGN with the given fleet, a local SNS and dynalite with the ledger table. */
export async function startLocalAws(fleet: readonly LocalSourceServer[]): Promise<LocalAws> {
  const mgn = new LocalMgnServer(fleet, LOCAL_ACCOUNT, LOCAL_REGION);
  const sns = new LocalSnsServer();
  const [mgnEndpoint, snsEndpoint, dynamodb] = await Promise.all([mgn.start(), sns.start(), startLocalDynamoDB()]);
  return {
    mgn,
    sns,
    dynamodb,
    environment: {
      AWS_ENDPOINT_URL_MGN: mgnEndpoint,
      AWS_ENDPOINT_URL_SNS: snsEndpoint,
      AWS_ENDPOINT_URL_DYNAMODB: dynamodb.endpoint,
      LEDGER_TABLE_NAME: dynamodb.tableName,
      NOTIFICATION_TOPIC_ARN: LOCAL_TOPIC_ARN,
      AWS_REGION: LOCAL_REGION,
      AWS_ACCESS_KEY_ID: 'AKIDLOCALONLY',
      AWS_SECRET_ACCESS_KEY: 'local-only-secret',
    },
    stop: async () => {
      await Promise.all([mgn.stop(), sns.stop(), dynamodb.stop()]);
    },
  };
}
