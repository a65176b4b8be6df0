import { FaultProxy } from '../fault-proxy/fault-proxy';
import { startLocalDynamoDB, type LocalDynamoDB } from '../local-dynamodb/local-dynamodb';
import { LocalEventsServer } from '../local-events/local-events-server';
import { LocalMgnServer, type LocalSourceServer } from '../local-mgn/local-mgn-server';
import { LocalSnsServer } from '../local-sns/local-sns-server';
import { LocalSsmServer } from '../local-ssm/local-ssm-server';
import { LocalStsServer } from '../local-sts/local-sts-server';

export const LOCAL_ACCOUNT = '111122223333';
export const LOCAL_REGION = 'us-east-1';
export const LOCAL_TOPIC_ARN = `arn:aws:sns:${LOCAL_REGION}:${LOCAL_ACCOUNT}:mgn-stall-retry-local`;

/** A fault layer in front of each stand-in (see FaultProxy). */
export interface LocalFaults {
  readonly mgn: FaultProxy;
  readonly dynamodb: FaultProxy;
  readonly sns: FaultProxy;
  readonly events: FaultProxy;
  readonly ssm: FaultProxy;
  readonly sts: FaultProxy;
}

/** The AWS services the function uses, as local stand-ins on 127.0.0.1. */
export interface LocalAws {
  readonly mgn: LocalMgnServer;
  readonly sns: LocalSnsServer;
  readonly dynamodb: LocalDynamoDB;
  /** EventBridge PutEvents: the decision events. */
  readonly events: LocalEventsServer;
  /** Systems Manager OpsCenter: CreateOpsItem and UpdateOpsItem. */
  readonly ssm: LocalSsmServer;
  /** STS AssumeRole: the hub's way into its spoke accounts. */
  readonly sts: LocalStsServer;
  /** Present when started with `faults: true`: the function then talks to the stand-ins through them. */
  readonly faults?: LocalFaults;
  /**
   * What the function's environment needs to reach them: the standard AWS_ENDPOINT_URL_<SERVICE>
   * variables, the ledger table and the topic, dummy credentials.
   */
  readonly environment: Readonly<Record<string, string>>;
  stop(): Promise<void>;
}

export interface LocalAwsOptions {
  /** The stand-ins' clock (epoch ms); simulated days move it. Default: the real clock. */
  readonly clock?: () => number;
  /** Put a fault proxy in front of every stand-in. */
  readonly faults?: boolean;
}

/** Starts a local MGN with the given fleet, a local SNS and dynalite with the ledger table. */
export async function startLocalAws(fleet: readonly LocalSourceServer[], options: LocalAwsOptions = {}): Promise<LocalAws> {
  const mgn = new LocalMgnServer(fleet, LOCAL_ACCOUNT, LOCAL_REGION, options.clock);
  const sns = new LocalSnsServer();
  const events = new LocalEventsServer();
  const ssm = new LocalSsmServer();
  const sts = new LocalStsServer(options.clock);
  const [mgnEndpoint, snsEndpoint, dynamodb, eventsEndpoint, ssmEndpoint, stsEndpoint] = await Promise.all([
    mgn.start(), sns.start(), startLocalDynamoDB(), events.start(), ssm.start(), sts.start(),
  ]);
  let faults: LocalFaults | undefined;
  const endpoints = { mgn: mgnEndpoint, sns: snsEndpoint, dynamodb: dynamodb.endpoint, events: eventsEndpoint, ssm: ssmEndpoint, sts: stsEndpoint };
  if (options.faults === true) {
    faults = {
      mgn: new FaultProxy(mgnEndpoint, 'rest-json'),
      dynamodb: new FaultProxy(dynamodb.endpoint, 'json'),
      sns: new FaultProxy(snsEndpoint, 'query'),
      events: new FaultProxy(eventsEndpoint, 'json'),
      ssm: new FaultProxy(ssmEndpoint, 'json'),
      sts: new FaultProxy(stsEndpoint, 'query'),
    };
    [endpoints.mgn, endpoints.dynamodb, endpoints.sns, endpoints.events, endpoints.ssm, endpoints.sts] = await Promise.all([
      faults.mgn.start(), faults.dynamodb.start(), faults.sns.start(), faults.events.start(), faults.ssm.start(), faults.sts.start(),
    ]);
  }
  return {
    mgn,
    sns,
    dynamodb,
    events,
    ssm,
    sts,
    ...(faults ? { faults } : {}),
    environment: {
      AWS_ENDPOINT_URL_MGN: endpoints.mgn,
      AWS_ENDPOINT_URL_SNS: endpoints.sns,
      AWS_ENDPOINT_URL_DYNAMODB: endpoints.dynamodb,
      AWS_ENDPOINT_URL_EVENTBRIDGE: endpoints.events,
      AWS_ENDPOINT_URL_SSM: endpoints.ssm,
      AWS_ENDPOINT_URL_STS: endpoints.sts,
      LEDGER_TABLE_NAME: dynamodb.tableName,
      NOTIFICATION_TOPIC_ARN: LOCAL_TOPIC_ARN,
      AWS_REGION: LOCAL_REGION,
      AWS_ACCESS_KEY_ID: 'AKIDLOCALONLY',
      AWS_SECRET_ACCESS_KEY: 'local-only-secret',
    },
    stop: async () => {
      const proxies: FaultProxy[] = faults ? [faults.mgn, faults.dynamodb, faults.sns, faults.events, faults.ssm, faults.sts] : [];
      await Promise.all([mgn.stop(), sns.stop(), dynamodb.stop(), events.stop(), ssm.stop(), sts.stop(), ...proxies.map((proxy) => proxy.stop())]);
    },
  };
}
