import { Validations, type App, type Stack } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { MgnStallRetryConfig } from './config';
import { hubRegions } from './hub-settings';
import { MgnStallRetryStack } from './mgn-stall-retry-stack';
import { MgnStallRetrySpokeStack } from './spoke-stack';

const DESCRIPTION = 'mgn-stall-retry: retries stalled AWS MGN data replication automatically and safely';

/** The spoke stack's name: `cdk.out/MgnStallRetrySpoke.template.json` is the template to hand to StackSets. */
export const SPOKE_STACK_NAME = 'MgnStallRetrySpoke';

/**
 * Adds the stacks the settings ask for to the app, and the AWS Solutions checks, so that an
 * unacknowledged finding fails `cdk synth` itself. One account: one stack, or one per listed
 * environment. Organization mode (`hub`): a hub stack per hub Region, and the spoke template.
 */
export function addMgnStallRetryStacks(app: App, config: MgnStallRetryConfig): Stack[] {
  const { hub } = config;
  const stacks: Stack[] =
    hub !== undefined
      ? [
          ...hubRegions(hub).map(
            (region) =>
              new MgnStallRetryStack(app, `MgnStallRetryHub-${region}`, {
                description: `${DESCRIPTION} (hub for its organization's accounts)`,
                config,
                env: { account: hub.account, region },
              }),
          ),
          new MgnStallRetrySpokeStack(app, SPOKE_STACK_NAME, {
            description: `${DESCRIPTION} (spoke: forwards stall events to the hub and lets it retry)`,
            config: { ...config, hub },
          }),
        ]
      : config.environments.length === 0
        ? // Environment-agnostic: deploys to the account and Region of the CLI's credentials.
          [new MgnStallRetryStack(app, 'MgnStallRetry', { description: DESCRIPTION, config })]
        : // MGN events stay in the account and Region of the source server: one stack for each.
          config.environments.map(
            (env) => new MgnStallRetryStack(app, `MgnStallRetry-${env.account}-${env.region}`, { description: DESCRIPTION, config, env }),
          );
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return stacks;
}
