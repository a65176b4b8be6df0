// Runs a bundled Lambda handler as the Lambda runtime would, in this fresh Node.js process:
// imports the bundle once (cold start), then invokes it with each event in turn (warm).
// Input on stdin: {"entry": "<path to index.mjs>", "exportName": "handler", "timeoutMs": 300000, "events": [...]}.
// Output on file descriptor 3: one JSON array, an {"ok", "result" | "error"} entry per event.
import { randomUUID } from 'node:crypto';
import { readFileSync, writeSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

const { entry, exportName, timeoutMs, events } = JSON.parse(readFileSync(0, 'utf8'));
const module = await import(pathToFileURL(entry).href);
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
  try {
    outcomes.push({ ok: true, result: await handler(event, context) });
  } catch (error) {
    outcomes.push({ ok: false, error: { name: error?.name, message: error?.message, ...error } });
  }
}
writeSync(3, JSON.stringify(outcomes));
