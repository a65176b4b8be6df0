import { DEFAULT_CONFIG } from '../../lib/config';
import { DECISION_EVENT_DOCS, METRIC_DOCS, OUTCOME_DOCS, SETTING_DOCS } from './reference';

/**
 * The generated tables of the docs, by name, as markdown. Each lives in one file between
 * `<!-- generated: <name> -->` and `<!-- end generated: <name> -->`.
 */
export const TABLES: Readonly<Record<string, { readonly file: string; readonly render: () => string }>> = {
  settings: { file: 'README.md', render: settingsTable },
  outcomes: { file: 'docs/how-it-works.md', render: outcomesTable },
  metrics: { file: 'docs/operations.md', render: metricsTable },
  'fleet-health': { file: 'docs/operations.md', render: fleetHealthTable },
  'decision-events': { file: 'docs/operations.md', render: decisionEventsTable },
};

const code = (text: string): string => `\`${text}\``;

function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  return [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`, ...rows.map((row) => `| ${row.join(' | ')} |`)].join('\n');
}

/** A default as a reader writes it in cdk.json; `none` for a setting that is absent by default. */
function defaultOf(key: keyof typeof SETTING_DOCS): string {
  const value: unknown = (DEFAULT_CONFIG as unknown as Record<string, unknown>)[key];
  return value === undefined ? 'none' : code(JSON.stringify(value).replace(/,/g, ', '));
}

function settingsTable(): string {
  return table(
    ['Key', 'Type', 'Default', 'Meaning'],
    Object.entries(SETTING_DOCS).map(([key, doc]) => [code(key), doc.type, defaultOf(key as keyof typeof SETTING_DOCS), doc.meaning]),
  );
}

function outcomesTable(): string {
  return table(
    ['Outcome', 'Meaning', 'Invocation'],
    Object.entries(OUTCOME_DOCS).map(([outcome, doc]) => [
      code(outcome),
      doc.meaning,
      doc.invocation === 'throws' ? '**throws** `ReplicationRetryFailedError` after every other server is handled, so Lambda retries the invocation' : 'succeeds',
    ]),
  );
}

function metricsTable(): string {
  return table(
    ['Metric', 'Unit', 'Dimensions', 'Meaning'],
    Object.entries(METRIC_DOCS).map(([name, doc]) => [code(name), doc.unit, ['`service`', ...(doc.dimensions === undefined ? [] : [doc.dimensions])].join(', '), doc.meaning]),
  );
}

function fleetHealthTable(): string {
  return table(
    ['Metric', 'One line', 'When it rises'],
    Object.entries(METRIC_DOCS).flatMap(([name, doc]) => (doc.whenItRises === undefined ? [] : [[code(name), doc.meaning, doc.whenItRises]])),
  );
}

function decisionEventsTable(): string {
  return table(['Detail-type', 'When'], Object.entries(DECISION_EVENT_DOCS).map(([type, when]) => [code(type), when]));
}

/** The file's text with every generated table it holds written anew; throws when a marker is missing. */
export function withTables(file: string, text: string): string {
  let result = text;
  for (const [name, { file: home, render }] of Object.entries(TABLES)) {
    if (home !== file) continue;
    const start = `<!-- generated: ${name} (npm run docs) -->`;
    const end = `<!-- end generated: ${name} -->`;
    const from = result.indexOf(start);
    const to = result.indexOf(end);
    if (from < 0 || to < from) throw new Error(`${file} has no "${start}" … "${end}" block for the ${name} table`);
    result = `${result.slice(0, from + start.length)}\n${render()}\n${result.slice(to)}`;
  }
  return result;
}

/** Every file that holds a generated table. */
export const FILES_WITH_TABLES = [...new Set(Object.values(TABLES).map(({ file }) => file))];
