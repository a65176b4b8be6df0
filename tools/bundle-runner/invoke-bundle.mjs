// Runs a bundled Lambda handler as the Lambda runtime would, in this fresh Node.js process:
// imports the bundle once (cold start), then invokes it with each event in turn (warm).
// Input on stdin: {"entry": "<path to index.mjs>", "exportName": "handler", "timeoutMs": 300000, "events": [...]}.
// Output on file descriptor 3: {"initMs", "outcomes": [{"ok", "result" | "error", "durationMs"}], "unhandledRejections": [...]}.
import { randomUUID } from 'node:crypto';
import { readFileSync, writeSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';

const unhandledRejections = [];
process.on('unhandledRejection', (reason) => unhandledRejections.push(String(reason?.stack ?? reason)));

const { entry, exportName, timeoutMs, events } = JSON.parse(readFileSync(0, 'utf8'));
const initStart = performance.now();
const module = await import(pathToFileURL(entry).href);
const initMs = performance.now() - initStart;
const handler = module[exportName];
if (typeof handler !== 'function') throw new Error(`${entry} exports no function ${exportName}`);

const functionName = process.env.AWS_LAMBDA_FUNCTION_NAME;
const outcomes = [];
for (const event of events) {
  const deadline = Date.now() + timeoutMs;
  const context = {
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${process.env.AWS_REGION}:${process.env.HOME_ACCOUNT_ID}:function:${functionName}`,
    memoryLimitInMB: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
  };
  const started = performance.now();
  try {
    const result = await handler(event, context);
    outcomes.push({ ok: true, result, durationMs: performance.now() - started });
  } catch (error) {
    outcomes.push({ ok: false, error: { name: error?.name, message: error?.message, ...error }, durationMs: performance.now() - started });
  }
}
// Let stray promises settle, so an unhandled rejection shows up before the report.
await new Promise((resolve) => setTimeout(resolve, 20));
writeSync(3, JSON.stringify({ initMs, outcomes, unhandledRejections }));
