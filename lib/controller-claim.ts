import * as ssm from 'aws-cdk-lib/aws-ssm';
import type { Construct } from 'constructs';

/**
 * The SSM parameter name every deployment of mgn-stall-retry holds in its account and Region. A
 * parameter name exists once per account and Region, so CloudFormation refuses a second
 * deployment that would act on the same servers (a single-account stack and a spoke, say) and
 * retry each stall twice.
 */
export const CONTROLLER_PARAMETER_NAME = '/mgn-stall-retry/controller';

/** What acts on MGN stalls in an account and Region: the parameter's value. */
export type ControllerKind = 'single-account' | 'hub' | `spoke of ${string}`;

/** Claims the account and Region for one deployment; the parameter's value says which kind. */
export function claimController(scope: Construct, kind: ControllerKind): ssm.StringParameter {
  return new ssm.StringParameter(scope, 'ControllerClaim', {
    parameterName: CONTROLLER_PARAMETER_NAME,
    stringValue: kind,
    description:
      'mgn-stall-retry: the one deployment that acts on MGN stalls in this account and Region. A second one fails on this name: remove the other first.',
  });
}
