import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import {
  DYNAMODB_ENDPOINTS,
  EVENTS_ENDPOINTS,
  endpointUrlFromEnvironment,
  serviceEndpoint,
  type EndpointRules,
  type EndpointSettings,
} from '../../lambda/retry-stalled-replication/aws/service-endpoints';

// The function reaches DynamoDB and EventBridge without their SDK clients (aws/aws-json.ts), so
// its endpoints must be the ones those clients would resolve: compared here, case by case, with
// each client's own endpoint rules.

const REGIONS = [
  'us-east-1', 'eu-west-1', 'ap-southeast-2', 'ap-future-9', 'cn-north-1', 'cn-northwest-1', 'us-gov-west-1', 'us-gov-east-1',
  'us-iso-east-1', 'us-isob-east-1', 'eu-isoe-west-1', 'us-isof-south-1',
];
const FLAGS = [
  { useFipsEndpoint: false, useDualstackEndpoint: false },
  { useFipsEndpoint: true, useDualstackEndpoint: false },
  { useFipsEndpoint: false, useDualstackEndpoint: true },
  { useFipsEndpoint: true, useDualstackEndpoint: true },
];

type Outcome = { url: string } | { error: string };

function ours(rules: EndpointRules, settings: EndpointSettings): Outcome {
  try {
    return { url: serviceEndpoint(rules, settings).href };
  } catch (error) {
    return { error: (error as Error).message };
  }
}

function sdks(client: DynamoDBClient | EventBridgeClient, settings: EndpointSettings): Outcome {
  try {
    const { url } = client.config.endpointProvider({
      Region: settings.region,
      UseFIPS: settings.useFipsEndpoint,
      UseDualStack: settings.useDualstackEndpoint,
      ...(settings.endpointUrl === undefined ? {} : { Endpoint: settings.endpointUrl }),
    });
    return { url: url.href };
  } catch (error) {
    return { error: (error as Error).message };
  }
}

const SERVICES = [
  ['DynamoDB', DYNAMODB_ENDPOINTS, new DynamoDBClient({ region: 'us-east-1' })],
  ['EventBridge', EVENTS_ENDPOINTS, new EventBridgeClient({ region: 'us-east-1' })],
] as const;

describe.each(SERVICES)('%s endpoints', (_name, rules, client) => {
  it.each(REGIONS)('in %s, with FIPS and dual-stack on or off, are the SDK client\'s', (region) => {
    for (const flags of FLAGS) {
      const settings = { region, ...flags };
      expect({ settings, endpoint: ours(rules, settings) }).toEqual({ settings, endpoint: sdks(client, settings) });
    }
  });

  it("for a custom endpoint URL, are the URL itself, and refused with FIPS or dual-stack as the SDK refuses them", () => {
    for (const flags of FLAGS) {
      const settings = { region: 'us-east-1', endpointUrl: 'http://127.0.0.1:4566', ...flags };
      expect({ settings, endpoint: ours(rules, settings) }).toEqual({ settings, endpoint: sdks(client, settings) });
    }
  });
});

it('takes the custom endpoint from AWS_ENDPOINT_URL_<SERVICE>, else AWS_ENDPOINT_URL, as the SDK does', () => {
  expect(endpointUrlFromEnvironment(DYNAMODB_ENDPOINTS, { AWS_ENDPOINT_URL_DYNAMODB: 'http://a', AWS_ENDPOINT_URL: 'http://b' })).toBe('http://a');
  expect(endpointUrlFromEnvironment(EVENTS_ENDPOINTS, { AWS_ENDPOINT_URL_DYNAMODB: 'http://a', AWS_ENDPOINT_URL: 'http://b' })).toBe('http://b');
  expect(endpointUrlFromEnvironment(EVENTS_ENDPOINTS, { AWS_ENDPOINT_URL_EVENTBRIDGE: '', AWS_ENDPOINT_URL: '' })).toBeUndefined();
  expect(endpointUrlFromEnvironment(EVENTS_ENDPOINTS, {})).toBeUndefined();
});
