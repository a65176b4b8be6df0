#!/usr/bin/env node
import { App } from 'aws-cdk-lib';
import { ConfigError, parseConfig, type MgnStallRetryConfig } from '../lib/config';
import { addMgnStallRetryStacks } from '../lib/mgn-stall-retry-app';

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

addMgnStallRetryStacks(app, config);
