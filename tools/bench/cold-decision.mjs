// One cold start and one decision, as a fresh Lambda execution environment does them: imports the
// bundle, invokes its handler once with the event read from stdin (none when stdin says null), and
// exits. The parent times the whole process, spawn to exit. Writes {"importMs", "handlerMs"} to
// file descriptor 3; a handler that throws ends the process with exit code 1.
import { readFileSync, writeSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';

const [entry, exportName] = process.argv.slice(2);
const event = JSON.parse(readFileSync(0, 'utf8'));
const started = performance.now();
const module = await import(pathToFileURL(entry).href);
const importMs = performance.now() - started;
let handlerMs = 0;
if (event !== null) {
  const deadline = performance.now() + 300_000;
  const context = {
    functionName: process.env.AWS_LAMBDA_FUNCTION_NAME,
    awsRequestId: 'bench',
    getRemainingTimeInMillis: () => Math.max(0, Math.floor(deadline - performance.now())),
  };
  const invoked = performance.now();
  try {
    await module[exportName](event, context);
    handlerMs = performance.now() - invoked;
  } catch (error) {
    process.stderr.write(`${error?.stack ?? error}\n`);
    process.exit(1);
  }
}
writeSync(3, `${JSON.stringify({ importMs, handlerMs })}\n`);
process.exit(0);
