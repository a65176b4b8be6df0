import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import * as path from 'node:path';

/** One line of the benchmark: the function's figure, its floor's, their ratio where it means something. */
export interface Row {
  readonly measure: string;
  readonly value: string;
  readonly floor: string;
  readonly ratio?: number;
  readonly how: string;
}

/** A target `--check` enforces: a ratio at most `limit`. */
export interface Target {
  readonly name: string;
  readonly ratio: number;
  readonly limit: number;
}

export interface BenchReport {
  readonly machine: string;
  readonly rows: readonly Row[];
  readonly targets: readonly Target[];
}

export function machine(): string {
  const cpu = cpus()[0]?.model.trim() ?? 'unknown CPU';
  return `Node.js ${process.version}, ${cpus().length} × ${cpu}, ${Math.round(totalmem() / 2 ** 30)} GiB`;
}

const ratioText = (ratio: number | undefined): string => (ratio === undefined ? '' : `${ratio.toFixed(2)}×`);

export function targetLine(target: Target): string {
  const pass = target.ratio <= target.limit;
  return `${pass ? 'PASS' : 'FAIL'} ${target.name}: ${target.ratio.toFixed(3)}× (target at most ${target.limit.toFixed(2)}×)`;
}

/** The table as plain text for the terminal. */
export function textTable(rows: readonly Row[]): string {
  const cells = rows.map((row) => [row.measure, row.value, row.floor, ratioText(row.ratio), row.how]);
  const header = ['measure', 'function', 'floor', 'ratio', 'how'];
  const widths = header.map((title, column) => Math.max(title.length, ...cells.map((row) => row[column]?.length ?? 0)));
  const line = (values: readonly string[]): string => values.map((value, column) => value.padEnd(widths[column] ?? 0)).join(' | ').trimEnd();
  return [line(header), widths.map((width) => '-'.repeat(width)).join('-|-'), ...cells.map(line)].join('\n');
}

/** Writes the figures where the docs quote them: `benchmark.md` (a table) and `benchmark.json`. */
export function writeReport(directory: string, report: BenchReport, date: Date): void {
  mkdirSync(directory, { recursive: true });
  const escape = (text: string): string => text.replaceAll('|', '\\|');
  const markdown = [
    '# Benchmark',
    '',
    `Written by \`npm run bench\` on ${date.toISOString().slice(0, 10)} (${report.machine}). Every figure is`,
    'measured against its floor in the same run, alternating. The floors are minified single-file bundles',
    'of `@aws-sdk/client-mgn` with the SDK\'s default credential chain, as `NodejsFunction` would build them:',
    'for import, one that sends only `RetryDataReplication`; for decisions and sweeps, one that describes',
    'and retries (`tools/bench/floor-*.ts`). docs/development.md, "Performance", says how to run it.',
    '',
    '| measure | function | floor | ratio | how |',
    '|---|---|---|---|---|',
    ...report.rows.map((row) => `| ${[row.measure, row.value, row.floor, ratioText(row.ratio), row.how].map(escape).join(' | ')} |`),
    '',
    'Targets (`npm run bench -- --check` fails when one is missed):',
    '',
    ...report.targets.map((target) => `- ${targetLine(target)}`),
    '',
  ].join('\n');
  writeFileSync(path.join(directory, 'benchmark.md'), markdown);
  writeFileSync(path.join(directory, 'benchmark.json'), `${JSON.stringify({ date: date.toISOString(), ...report }, null, 2)}\n`);
}
