import { partition } from '@aws-sdk/util-endpoints';

/** What decides where a service is reached, as the SDK's client settings name it. */
export interface EndpointSettings {
  readonly region: string;
  readonly useFipsEndpoint: boolean;
  readonly useDualstackEndpoint: boolean;
  /** `AWS_ENDPOINT_URL_<SERVICE>`, else `AWS_ENDPOINT_URL`: a local stand-in, a VPC endpoint… */
  readonly endpointUrl?: string;
}

/** A service's endpoint rules, where they differ from one service to another. */
export interface EndpointRules {
  /** The host name's first label: `dynamodb`, `events`. */
  readonly prefix: string;
  /** The suffix of `AWS_ENDPOINT_URL_<SERVICE>`: the SDK's service ID in capitals, spaces as `_`. */
  readonly environmentName: string;
  /** GovCloud Regions whose standard endpoint is already FIPS, so FIPS does not change it. */
  readonly fipsIsStandardIn: (region: string, partitionName: string) => boolean;
}

export const DYNAMODB_ENDPOINTS: EndpointRules = {
  prefix: 'dynamodb',
  environmentName: 'DYNAMODB',
  fipsIsStandardIn: (_region, partitionName) => partitionName === 'aws-us-gov',
};

export const EVENTS_ENDPOINTS: EndpointRules = {
  prefix: 'events',
  environmentName: 'EVENTBRIDGE',
  fipsIsStandardIn: (region) => region === 'us-gov-east-1' || region === 'us-gov-west-1',
};

/** The endpoint URL the environment names for a service, as the SDK looks it up. */
export function endpointUrlFromEnvironment(rules: EndpointRules, env: Readonly<Record<string, string | undefined>>): string | undefined {
  return env[`AWS_ENDPOINT_URL_${rules.environmentName}`] || env['AWS_ENDPOINT_URL'] || undefined;
}

/**
 * A service's endpoint by the rules its SDK client applies (its endpoint rule set, for the
 * parameters this function uses), over the SDK's own partition table.
 * test/unit/service-endpoints.test.ts compares the two for every partition and setting. Throws,
 * with the SDK's words, for the combinations the SDK refuses.
 */
export function serviceEndpoint(rules: EndpointRules, settings: EndpointSettings): URL {
  const { region, useFipsEndpoint: fips, useDualstackEndpoint: dualStack, endpointUrl } = settings;
  if (endpointUrl !== undefined) {
    if (fips) throw new Error('Invalid Configuration: FIPS and custom endpoint are not supported');
    if (dualStack) throw new Error('Invalid Configuration: Dualstack and custom endpoint are not supported');
    return new URL(endpointUrl);
  }
  if (region === '') throw new Error('Invalid Configuration: Missing Region');
  const { name, dnsSuffix, dualStackDnsSuffix, supportsFIPS, supportsDualStack } = partition(region);
  if (fips && dualStack) {
    if (!supportsFIPS || !supportsDualStack) throw new Error('FIPS and DualStack are enabled, but this partition does not support one or both');
    return new URL(`https://${rules.prefix}-fips.${region}.${dualStackDnsSuffix}`);
  }
  if (fips) {
    if (!supportsFIPS) throw new Error('FIPS is enabled but this partition does not support FIPS');
    return new URL(rules.fipsIsStandardIn(region, name) ? `https://${rules.prefix}.${region}.amazonaws.com` : `https://${rules.prefix}-fips.${region}.${dnsSuffix}`);
  }
  if (dualStack) {
    if (!supportsDualStack) throw new Error('DualStack is enabled but this partition does not support DualStack');
    return new URL(`https://${rules.prefix}.${region}.${dualStackDnsSuffix}`);
  }
  return new URL(`https://${rules.prefix}.${region}.${dnsSuffix}`);
}
