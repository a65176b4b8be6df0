import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

const root = path.join(__dirname, '..', '..');

/** Runs bin/mgn-stall-retry.ts as `cdk synth` does, with the given context, and nothing else. */
function runApp(context: Record<string, unknown>): { status: number | null; stderr: string } {
  const run = spawnSync(process.execPath, [path.join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs'), path.join(root, 'bin', 'mgn-stall-retry.ts')], {
    cwd: root,
    encoding: 'utf8',
    env: { PATH: process.env['PATH'], CDK_CONTEXT_JSON: JSON.stringify(context), CDK_OUTDIR: mkdtempSync(path.join(tmpdir(), 'mgn-stall-retry-app-')) },
  });
  return { status: run.status, stderr: run.stderr };
}

describe('bin/mgn-stall-retry.ts', () => {
  it.each([
    [{ cooldownMinutes: -5 }, 'mgn-stall-retry: mgnStallRetry.cooldownMinutes must be a whole number of minutes from 0 to 1440, got -5'],
    ['{"cooldownMinute":5}', 'mgn-stall-retry: mgnStallRetry.cooldownMinute is not a known setting; did you mean cooldownMinutes?'],
    [{ maxAttempts: 'three' }, 'mgn-stall-retry: mgnStallRetry.maxAttempts must be a whole number from 1 to 20, got "three"'],
  ])('stops synth for %j with a one-line message naming the key', (settings, message) => {
    const { status, stderr } = runApp({ mgnStallRetry: settings });
    expect(status).toBe(1);
    expect(stderr).toContain(message);
    expect(stderr).not.toMatch(/\n\s+at /);
  });
});
