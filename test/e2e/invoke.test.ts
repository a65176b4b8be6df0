import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { readdirSync } from 'node:fs';
import * as path from 'node:path';

jest.setTimeout(180_000);

const root = path.join(__dirname, '..', '..');
const invoke = (...args: string[]): SpawnSyncReturns<string> =>
  spawnSync(process.execPath, [path.join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs'), path.join(root, 'tools', 'invoke', 'invoke.ts'), ...args], {
    cwd: root,
    encoding: 'utf8',
    // No AWS credentials or configuration from the machine.
    env: { PATH: process.env['PATH'], HOME: process.env['HOME'] },
  });

describe('npm run invoke', () => {
  it('invokes the bundle once with every sample payload in events/ and exits 0', () => {
    const files = readdirSync(path.join(root, 'events')).filter((name) => name.endsWith('.json')).sort().map((name) => path.join('events', name));
    const run = invoke(...files);
    expect(run.stderr).not.toMatch(/Error:/);
    expect(run.status).toBe(0);
    // One section per file, in order, each headed by the file's name.
    const sections = run.stdout.split(/^(?=invoked the bundle with )/m).filter((text) => text.startsWith('invoked'));
    expect(sections.map((section) => /^invoked the bundle with (\S+)/.exec(section)?.[1])).toEqual(files);
    const section = (file: string): string => sections.find((text) => text.startsWith(`invoked the bundle with events/${file} `)) ?? '';
    expect(section('stalled-event.json')).toMatch(/"outcome": "RETRIED"/);
    expect(section('stalled-event.json')).toMatch(/^ {2}\{"outcome":"RETRIED","sourceServerID":"s-1a2b3c4d5e6f7a8b9",/m);
    expect(section('manual-dry-run.json')).toMatch(/"outcome": "DRY_RUN"/);
    expect(section('recovered-event.json')).toMatch(/"outcome": "RECOVERED"/);
    expect(section('decision-stall-retried.json')).toMatch(/InvalidInputError[\s\S]*not an input/);
  });

  it('stops before starting anything, naming the file, when a file is missing or not JSON', () => {
    const missing = invoke('events/no-such-file.json');
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain('invoke: cannot read events/no-such-file.json');
    const invalid = invoke('events/stalled-event.json', 'package-lock.json', 'tsconfig.json', 'README.md');
    expect(invalid.status).toBe(2);
    expect(invalid.stderr).toContain('invoke: README.md is not valid JSON');
    expect(invalid.stdout).toBe('');
  });
});
