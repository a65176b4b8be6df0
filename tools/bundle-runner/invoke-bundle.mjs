// Runs a bundled Lambda handler as the Lambda runtime would, in this fresh Node.js process (one
// execution environment): imports the bundle once (cold start), then invokes it once per request.
// Requests arrive on stdin, one JSON line each:
//   first  {"entry": "<path to index.mjs>", "exportName": "handler"}
//   then   {"event": …, "timeoutMs": 300000, "at": <epoch ms, optional>}
// Answers go to file descriptor 3, one JSON line each: first {"initMs"}, then per request
//   {"ok", "result" | "error", "durationMs", "timedOut", "lines"}; at the end {"unhandledRejections",
//   "peakRssBytes"} (the process's peak resident memory: what Lambda reports as Max Memory Used;
//   Linux's VmHWM, which starts afresh at exec, where getrusage's maxRSS still holds the parent's).
// With "at", the process clock (Date) reads that time when the invocation starts and runs on from
// there: simulated days without waiting. Deadlines use the monotonic clock, as Lambda's do.
import { Buffer } from 'node:buffer';
import { randomUUID } from 'node:crypto';
import { readFileSync, writeSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';

const RealDate = Date;
let offset = 0;
class SimulatedDate extends RealDate {
  constructor(...args) {
    if (args.length === 0) super(RealDate.now() + offset);
    else super(...args);
  }
  static now() {
    return RealDate.now() + offset;
  }
}
globalThis.Date = SimulatedDate;

const unhandledRejections = [];
process.on('unhandledRejection', (reason) => unhandledRejections.push(String(reason?.stack ?? reason)));

// Everything the function writes, per invocation (Lambda sends stdout and stderr to CloudWatch Logs).
let captured = [];
for (const stream of [process.stdout, process.stderr]) {
  stream.write = (chunk, encoding, callback) => {
    captured.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    if (typeof encoding === 'function') encoding();
    else if (typeof callback === 'function') callback();
    return true;
  };
}
const answer = (message) => writeSync(3, `${JSON.stringify(message)}\n`);
const takeLines = () => {
  const lines = captured.join('').split('\n').filter((line) => line.trim() !== '');
  captured = [];
  return lines;
};

const requests = createInterface({ input: process.stdin })[Symbol.asyncIterator]();
const { value: setup } = await requests.next();
const { entry, exportName } = JSON.parse(setup);
const initStart = performance.now();
const module = await import(pathToFileURL(entry).href);
const initMs = performance.now() - initStart;
const handler = module[exportName];
if (typeof handler !== 'function') throw new Error(`${entry} exports no function ${exportName}`);
answer({ initMs, lines: takeLines() });

const functionName = process.env.AWS_LAMBDA_FUNCTION_NAME;
for await (const line of requests) {
  const { event, timeoutMs, at } = JSON.parse(line);
  if (typeof at === 'number') offset = at - RealDate.now();
  const started = performance.now();
  const deadline = started + timeoutMs;
  const context = {
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${process.env.AWS_REGION}:${process.env.HOME_ACCOUNT_ID}:function:${functionName}`,
    memoryLimitInMB: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(0, Math.floor(deadline - performance.now())),
  };
  let outcome;
  try {
    const result = await handler(event, context);
    outcome = { ok: true, result };
  } catch (error) {
    outcome = { ok: false, error: { name: error?.name, message: error?.message, ...error } };
  }
  const durationMs = performance.now() - started;
  // Let stray promises settle, so an unhandled rejection shows up in this invocation's report.
  await new Promise((resolve) => setTimeout(resolve, 5));
  answer({ ...outcome, durationMs, timedOut: durationMs > timeoutMs, lines: takeLines() });
}
const highWater = /^VmHWM:\s+(\d+) kB$/m.exec(process.platform === 'linux' ? readFileSync('/proc/self/status', 'utf8') : '');
answer({ unhandledRejections, peakRssBytes: Number(highWater?.[1] ?? process.resourceUsage().maxRSS) * 1024 });
// The environment ends here, as Lambda ends one: timers the SDK left behind do not keep it alive.
process.exit(0);
