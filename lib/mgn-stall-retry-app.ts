import { Validations, type App } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { MgnStallRetryConfig } from './config';
import { MgnStallRetryStack } from './mgn-stall-retry-stack';

const DESCRIPTION = 'mgn-stall-retry: retries stalled AWS MGN data replication automatically and safely';

/**
 * Adds the stacks the settings ask for to the app, and the AWS Solutions checks, so that an
 * unacknowledged finding fails `cdk synth` itself.
 */
export function addMgnStallRetryStacks(app: App, config: MgnStallRetryConfig): MgnStallRetryStack[] {
  const stacks =
    config.environments.length === 0
      ? // Environment-agnostic: deploys to the account and Region of the CLI's credentials.
        [new MgnStallRetryStack(app, 'MgnStallRetry', { description: DESCRIPTION, config })]
      : // MGN events stay in the account and Region of the source server: one stack for each.
        config.environments.map(
          (env) =>
            new MgnStallRetryStack(app, `MgnStallRetry-${env.account}-${env.region}`, { description: DESCRIPTION, config, env }),
        );
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return stacks;
}
