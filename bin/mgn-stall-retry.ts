#!/usr/bin/env node
import { App } from 'aws-cdk-lib';
import { MgnStallRetryStack } from '../lib/mgn-stall-retry-stack';

const app = new App();
new MgnStallRetryStack(app, 'MgnStallRetry', {
  description: 'mgn-stall-retry: retries stalled AWS MGN data replication automatically and safely',
});
