import { existsSync, readFileSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import { DEFAULT_CONFIG } from '../../lib/config';
import { Outcome } from '../../lambda/retry-stalled-replication/decide/outcomes';
import { MetricName } from '../../lambda/retry-stalled-replication/report/metric-names';
import { METRIC_DOCS, OUTCOME_DOCS, SETTING_DOCS } from '../../tools/docs/reference';
import { FILES_WITH_TABLES, withTables } from '../../tools/docs/tables';

// The settings, outcomes, metrics and decision-event tables are generated from the code: a
// setting, outcome or metric without its row does not compile (tools/docs/reference.ts), and
// committed docs that differ from what `npm run docs` writes fail here.
const root = path.resolve(__dirname, '..', '..');

describe('generated doc tables', () => {
  it.each(FILES_WITH_TABLES)('%s holds the tables npm run docs writes', (file) => {
    const text = readFileSync(path.join(root, file), 'utf8');
    expect(withTables(file, text)).toBe(text);
  });

  it('have a row for every setting, outcome and metric', () => {
    expect(Object.keys(SETTING_DOCS).sort()).toEqual(expect.arrayContaining(Object.keys(DEFAULT_CONFIG).sort()));
    expect(Object.keys(OUTCOME_DOCS).sort()).toEqual(Object.values(Outcome).sort());
    expect(Object.keys(METRIC_DOCS).sort()).toEqual([...Object.values(MetricName), 'ColdStart'].sort());
  });
});

describe('the docs point at what exists', () => {
  const read = (file: string): string => readFileSync(path.join(root, file), 'utf8');

  it('the README begins with the set-up, deploy and test commands', () => {
    const top = read('README.md').split('\n').slice(0, 25).join('\n');
    for (const command of ['npm ci && npx cdk synth', 'npx cdk deploy', 'npm test']) expect(top).toContain(command);
  });

  it('every test file the safety guarantees name exists', () => {
    const named = [...read('docs/how-it-works.md').matchAll(/`([\w-]+\.test\.ts)`/g)].map((match) => match[1] ?? '');
    expect(named.length).toBeGreaterThan(5);
    const files = new Set(['safety', 'e2e', 'integration', 'unit', 'infra', 'handler'].flatMap((folder) => readdirSync(path.join(root, 'test', folder))));
    expect(named.filter((file) => !files.has(file))).toEqual([]);
  });

  it('every relative link of the docs reaches a file', () => {
    for (const file of ['README.md', ...readdirSync(path.join(root, 'docs')).filter((name) => name.endsWith('.md')).map((name) => `docs/${name}`)]) {
      const links = [...read(file).matchAll(/\]\(([^)#\s]+)(?:#[^)]*)?\)/g)].map((match) => match[1] ?? '').filter((link) => !/^[a-z]+:/.test(link));
      for (const link of links) expect(`${file} → ${link}: ${existsSync(path.join(root, path.dirname(file), link))}`).toBe(`${file} → ${link}: true`);
    }
  });

  it('code comments cite files of the repository', () => {
    const sources = ['lib', 'lambda', 'tools', 'bin'].flatMap((folder) => readdirSync(path.join(root, folder), { recursive: true, encoding: 'utf8' }).filter((name) => name.endsWith('.ts')).map((name) => path.join(folder, name)));
    const cited = sources.flatMap((file) => [...read(file).matchAll(/\b((?:docs\/)?[\w-]+\.md)\b/g)].map((match) => [file, match[1] ?? ''] as const));
    const missing = cited.filter(([, doc]) => !existsSync(path.join(root, doc)) && !existsSync(path.join(root, 'docs', doc)));
    expect(missing).toEqual([]);
  });
});
