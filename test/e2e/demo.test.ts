import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

jest.setTimeout(120_000);

describe('npm run demo', () => {
  it('tells the whole story on a clean machine and exits 0', () => {
    const root = path.join(__dirname, '..', '..');
    const demo = spawnSync(process.execPath, [path.join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs'), path.join(root, 'tools', 'demo', 'demo.ts')], {
      cwd: root,
      encoding: 'utf8',
      // No AWS credentials or configuration from the machine.
      env: { PATH: process.env['PATH'], HOME: process.env['HOME'] },
    });
    expect(demo.status).toBe(0);
    for (const text of ['RETRIED', 'SKIPPED_COOLDOWN', 'SKIPPED_LIFECYCLE', 'SKIPPED_OPTED_OUT', 'SKIPPED_BUDGET_EXHAUSTED', 'SKIPPED_NEEDS_PERSON', 'RECOVERED', 'ReplicationRetried (Count)', 'EscalatedWithoutRetry (Count)',
      'Subject: MGN replication still stalled', 'Subject: MGN replication stalled, needs a person (AGENT_NOT_SEEN): erp-02', 'Initiation steps:  WAIT FAILED',
      '"textType": "client-markdown"', 'Stall Escalated  erp-02', 'Stall Recovered  erp-02', 'Resolved  MGN replication stalled, needs a person',
      'H1 stall in wave 1  222233334444', 'SKIPPED_SPOKE_ROLE_UNAVAILABLE', 'H3 hub sweep', 'AssumeRole', 'session name mgn-stall-retry-hub']) {
      expect(demo.stdout).toContain(text);
    }
  });
});
