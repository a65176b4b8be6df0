import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
import { config } from './config';
import { InvalidInputError, ReplicationRetryFailedError } from './decide/errors';
import { parseRetryRequest, type RetryRequest } from './decide/input';
import { Outcome, type InvocationResult } from './decide/outcomes';
import { Deadline, type Invocation } from './invocation';
import { flushDecisionEvents } from './report/decision-events';
import { logger, metrics } from './report/powertools';
import { MetricName } from './report/metric-names';
import { retryServers } from './retry-servers';

const home = { accountID: config.homeAccountID, region: config.region, globalView: config.globalView, ...(config.hub === undefined ? {} : { hub: config.hub }) };

/**
 * Entry point for MGN stall events, the sweep schedule and manual invocations. Validates the
 * payload before any AWS call, runs each server through the decision path, and throws at the end
 * when a server FAILED (a transient failure) so that Lambda retries the invocation. Metrics are
 * flushed whether it returns or throws, always before the function's timeout.
 */
export async function handler(event: unknown, context: Context): Promise<InvocationResult> {
  const deadline = new Deadline(() => context.getRemainingTimeInMillis());
  logger.addContext(context);
  metrics.captureColdStartMetric(context.functionName);
  try {
    const request = parseRetryRequest(event, home);
    // A payload can ask for a dry run; it cannot lift the deployment's dry-run setting.
    const dryRun = config.dryRun || request.dryRun;
    const invocation: Invocation = { config, dryRun, now: Date.now, deadline, workID: request.eventID ?? context.awsRequestId };
    const result = await run(request, invocation);
    const { results } = result;
    // Counts, not the full list: each server already has its decision line, and a sweep's list
    // could outgrow a CloudWatch Logs event.
    logger.info('invocation complete', { trigger: result.trigger, dryRun, outcomes: countOutcomes(results), sweep: result.sweep });
    const failed = results.filter((entry) => entry.outcome === Outcome.FAILED);
    if (failed.length > 0) {
      throw new ReplicationRetryFailedError(failed.map((entry) => entry.sourceServerID));
    }
    return result;
  } catch (error) {
    if (error instanceof InvalidInputError) {
      metrics.addMetric(MetricName.INVALID_INPUT, MetricUnit.Count, 1);
      logger.error('invalid input rejected', { field: error.field, rule: error.rule });
    }
    throw error;
  } finally {
    await flushDecisionEvents(config.region, deadline.forCleanup());
    if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
  }
}

async function run(request: RetryRequest, invocation: Invocation): Promise<InvocationResult> {
  const base = { trigger: request.trigger, dryRun: invocation.dryRun };
  return request.action === 'SWEEP'
    ? // The sweep's code (paging, fleet health, hub accounts) is loaded by sweeps only.
      { ...base, ...(await (await import('./sweep-accounts')).sweepAccounts(request, invocation)) }
    : { ...base, results: await retryServers(request, invocation) };
}

function countOutcomes(results: readonly { outcome: string }[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const { outcome } of results) counts[outcome] = (counts[outcome] ?? 0) + 1;
  return counts;
}
