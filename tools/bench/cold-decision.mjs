// One cold start and one decision, as a fresh Lambda execution environment does them: imports the
// bundle, invokes its handler once with the event on stdin, and exits. The parent times the whole
// process, start to exit. Prints the import time (ms) on stdout.
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';

const [entry, exportName] = process.argv.slice(2);
const event = JSON.parse(readFileSync(0, 'utf8'));
const started = performance.now();
const module = await import(pathToFileURL(entry).href);
const imported = performance.now() - started;
const context = { functionName: 'bench', awsRequestId: 'bench', getRemainingTimeInMillis: () => 300_000 };
if (event !== null) await module[exportName](event, context);
process.stdout.write(`${imported}\n`);
process.exit(0);
