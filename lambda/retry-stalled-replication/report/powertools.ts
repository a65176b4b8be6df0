import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';

/**
 * Shared Powertools instances. Service name and namespace come from POWERTOOLS_SERVICE_NAME and
 * POWERTOOLS_METRICS_NAMESPACE; Metrics logs its own warnings through the JSON logger so every
 * line the function writes is JSON.
 */
export const logger = new Logger();
export const metrics = new Metrics({ logger });
