/**
 * `npm run local-mgn -- [--port 4580] [--servers 20] [--stalled 3] [--throttle-rate 0] [--error-rate 0]
 * [--latency-ms 0] [--advance-every 10]`: runs the local MGN endpoint on its own, for trying the
 * AWS CLI or the function by hand. Stops on Ctrl+C.
 */
import { parseArgs } from 'node:util';
import { generateFleet, LocalMgnServer } from './local-mgn-server';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '4580' },
    servers: { type: 'string', default: '20' },
    stalled: { type: 'string', default: '3' },
    'throttle-rate': { type: 'string', default: '0' },
    'error-rate': { type: 'string', default: '0' },
    'latency-ms': { type: 'string', default: '0' },
    'advance-every': { type: 'string', default: '10' },
  },
});

function numberOption(name: keyof typeof values, min: number, max: number): number {
  const value = Number(values[name]);
  if (!Number.isFinite(value) || value < min || value > max) {
    console.error(`local-mgn: --${name} must be a number from ${min} to ${max}, got "${values[name]}"`);
    process.exit(2);
  }
  return value;
}

async function main(): Promise<void> {
  const servers = numberOption('servers', 0, 100_000);
  const mgn = new LocalMgnServer(generateFleet(servers, Math.min(servers, numberOption('stalled', 0, 100_000)), 'RECOVERS'));
  mgn.setFaultRates({
    throttleRate: numberOption('throttle-rate', 0, 1),
    serverErrorRate: numberOption('error-rate', 0, 1),
    latencyMs: numberOption('latency-ms', 0, 60_000),
  });
  const endpoint = await mgn.start(numberOption('port', 0, 65_535));
  const advanceSeconds = numberOption('advance-every', 0, 3600);
  const timer = advanceSeconds > 0 ? setInterval(() => mgn.advance(), advanceSeconds * 1000) : undefined;
  console.log(`local MGN endpoint: ${endpoint} (${servers} servers, account 111122223333, Region us-east-1)`);
  console.log(`try: AWS_ENDPOINT_URL_MGN=${endpoint} AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local \\`);
  console.log('       aws mgn describe-source-servers --region us-east-1 --max-results 5');
  process.once('SIGINT', () => {
    if (timer) clearInterval(timer);
    void mgn.stop().then(() => process.exit(0));
  });
}

void main();
