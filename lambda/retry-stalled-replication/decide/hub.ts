/**
 * Organization mode: the names the hub stack, the spoke template and the hub function agree on,
 * and how the function reaches an account's servers. Pure.
 */

/** The hub's event bus, to which every spoke forwards its MGN stall events. */
export const HUB_BUS_NAME = 'mgn-stall-retry-hub';

/** The session name the hub gives its spoke sessions: what CloudTrail shows in the spoke account. */
export const SPOKE_SESSION_NAME = 'mgn-stall-retry-hub';

/** The hub function's role: a fixed name per Region, which the spokes' trust policies name. */
export function hubRoleName(region: string): string {
  return `mgn-stall-retry-hub-${region}`;
}

/** The role in each spoke account that the hub assumes (IAM is global: the Region is in the name). */
export function spokeRoleName(region: string): string {
  return `mgn-stall-retry-spoke-${region}`;
}

/** The partition of a Region: ARNs name it. */
export function partitionOf(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  if (region.startsWith('us-isob-')) return 'aws-iso-b';
  if (region.startsWith('us-iso-')) return 'aws-iso';
  return 'aws';
}

export function spokeRoleArn(accountID: string, region: string): string {
  return `arn:${partitionOf(region)}:iam::${accountID}:role/${spokeRoleName(region)}`;
}

/** The hub's settings as the function sees them. */
export interface HubAccounts {
  /** Accounts the hub serves and sweeps from the start. */
  readonly spokeAccounts: readonly string[];
  /** When set, any account of this organization may forward events (the bus policy checks it). */
  readonly organizationId?: string;
}

/**
 * How MGN is reached for an account's servers: the function's own account directly; another
 * account through its spoke role (hub mode) or through MGN global view (the `accountID` parameter).
 */
export type MgnAccess =
  | { readonly kind: 'home' }
  | { readonly kind: 'global-view' }
  | { readonly kind: 'spoke-role'; readonly roleArn: string; readonly hubRoleName: string };

/** Who owns a request's servers, and how MGN is reached for them. */
export interface ServerScope {
  /** The account that owns the servers: part of every ledger key. */
  readonly accountID: string;
  readonly access: MgnAccess;
}

export function scopeOf(accountID: string, home: { homeAccountID: string; region: string; hub?: HubAccounts }): ServerScope {
  if (accountID === home.homeAccountID) return { accountID, access: { kind: 'home' } };
  if (home.hub !== undefined) {
    return { accountID, access: { kind: 'spoke-role', roleArn: spokeRoleArn(accountID, home.region), hubRoleName: hubRoleName(home.region) } };
  }
  return { accountID, access: { kind: 'global-view' } };
}
