import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentity } from '@smithy/types';
import { AWS_CLIENT_SETTINGS } from './clients';

/**
 * Created once per execution environment, when the hub first reaches a spoke account (a chunk of
 * its own). Its own credentials are the function's, from the environment; STS's regional endpoint.
 */
const sts = new STSClient(AWS_CLIENT_SETTINGS);

/** An hour: the longest session a role allows unless its maximum was raised. */
const SESSION_SECONDS = 3600;

/** Assumes a role for an hour; the caller caches the credentials until shortly before they expire. */
export async function assumeRole(roleArn: string, sessionName: string): Promise<AwsCredentialIdentity> {
  const { Credentials: credentials } = await sts.send(
    new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: sessionName, DurationSeconds: SESSION_SECONDS }),
  );
  if (credentials?.AccessKeyId === undefined || credentials.SecretAccessKey === undefined || credentials.Expiration === undefined) {
    throw new Error(`STS AssumeRole of ${roleArn} answered without credentials`);
  }
  return {
    accessKeyId: credentials.AccessKeyId,
    secretAccessKey: credentials.SecretAccessKey,
    ...(credentials.SessionToken === undefined ? {} : { sessionToken: credentials.SessionToken }),
    expiration: credentials.Expiration,
  };
}
