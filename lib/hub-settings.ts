import { RegionInfo } from 'aws-cdk-lib/region-info';

/**
 * Organization mode: one hub per Region holds the function, the ledger, the topic and the view;
 * every migration account runs a spoke (a forwarding rule and an access role, nothing else).
 */
export interface HubSettings {
  /** The account of the hub stacks. */
  readonly account: string;
  /** The Region of the hub stack; for several Regions give `regions` instead. */
  readonly region?: string;
  /** One hub stack per listed Region. */
  readonly regions?: readonly string[];
  /** Migration accounts the hub serves (and sweeps from the start). */
  readonly spokeAccounts?: readonly string[];
  /** The organization whose accounts may forward events to the hub (any account of it). */
  readonly organizationId?: string;
}

const ACCOUNT = /^[0-9]{12}$/;
const ORGANIZATION_ID = /^o-[a-z0-9]{10,32}$/;
const KNOWN_REGIONS = new Set(RegionInfo.regions.map((region) => region.name));
/**
 * The most accounts `spokeAccounts` may list: each is an ARN in the hub role's policy (a managed
 * policy holds 6,144 characters), an ID in the function's environment (4 KB) and a principal in the
 * bus policy (10,240), with room for the longest partition and Region names. An organization's
 * accounts need not be listed.
 */
export const MAX_SPOKE_ACCOUNTS = 75;
const KEYS = ['account', 'region', 'regions', 'spokeAccounts', 'organizationId'];

/** The Regions of a hub: `region`, or each of `regions`. */
export function hubRegions(hub: HubSettings): string[] {
  return hub.regions === undefined ? [hub.region ?? ''] : [...hub.regions];
}

/** What is wrong with a `hub` setting (undefined when it is absent or right), for `hub<message>`. */
export function checkHub(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  const shape = 'must be {"account": "<12 digits>", "region": "<Region>", "spokeAccounts": [...], "organizationId": "o-…"}';
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return shape;
  const hub = value as Record<string, unknown>;
  const extra = Object.keys(hub).find((key) => !KEYS.includes(key));
  if (extra !== undefined) return `.${extra} is not a known field (${KEYS.join(', ')})`;
  if (typeof hub['account'] !== 'string' || !ACCOUNT.test(hub['account'])) return '.account must be the hub\'s 12-digit account ID';
  if ((hub['region'] === undefined) === (hub['regions'] === undefined)) {
    return ' must give one of region (one hub) and regions (a list: one hub in each)';
  }
  const regions = hub['regions'] === undefined ? [hub['region']] : hub['regions'];
  const field = hub['regions'] === undefined ? 'region' : 'regions';
  if (!Array.isArray(regions) || regions.length === 0) return '.regions must be a non-empty list of Region codes';
  for (const region of regions as unknown[]) {
    if (typeof region !== 'string' || !KNOWN_REGIONS.has(region)) return `.${field} ${JSON.stringify(region)} is not an AWS Region aws-cdk-lib knows`;
  }
  if (new Set(regions).size !== regions.length) return '.regions lists a Region twice';
  const spokes = hub['spokeAccounts'];
  if (spokes !== undefined) {
    if (!Array.isArray(spokes) || !spokes.every((account) => typeof account === 'string' && ACCOUNT.test(account))) {
      return '.spokeAccounts must be a list of 12-digit account IDs';
    }
    if (new Set(spokes).size !== spokes.length) return '.spokeAccounts lists an account twice';
    if (spokes.length > MAX_SPOKE_ACCOUNTS) {
      return `.spokeAccounts lists ${spokes.length} accounts; at most ${MAX_SPOKE_ACCOUNTS} fit the hub's IAM policy, function environment and bus policy. ` +
        'For more, set hub.organizationId: any account of the organization may then forward events, and is swept from its first one on';
    }
    if (spokes.includes(hub['account'])) return `.spokeAccounts lists the hub account ${hub['account']}: the hub serves its own servers without a spoke`;
  }
  const organization = hub['organizationId'];
  if (organization !== undefined && (typeof organization !== 'string' || !ORGANIZATION_ID.test(organization))) {
    return '.organizationId must be an AWS Organizations ID such as o-a1b2c3d4e5';
  }
  if ((spokes === undefined || (spokes as unknown[]).length === 0) && organization === undefined) {
    return ' must name the accounts it serves: spokeAccounts, organizationId, or both';
  }
  return undefined;
}
