#!/usr/bin/env node
import { App } from 'aws-cdk-lib';
import { ConfigError, parseConfig, type MgnStallRetryConfig } from '../lib/config';
import { MgnStallRetryStack } from '../lib/mgn-stall-retry-stack';

const app = new App();

// The only place that reads context: cdk.json "mgnStallRetry", or -c mgnStallRetry='{…}'.
let config: MgnStallRetryConfig;
try {
  config = parseConfig(app.node.tryGetContext('mgnStallRetry'));
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(`mgn-stall-retry: ${error.message}`);
  process.exit(1);
}

new MgnStallRetryStack(app, 'MgnStallRetry', {
  description: 'mgn-stall-retry: retries stalled AWS MGN data replication automatically and safely',
  config,
});
