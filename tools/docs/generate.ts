import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { FILES_WITH_TABLES, withTables } from './tables';

/**
 * `npm run docs`: writes the generated tables (settings, outcomes, metrics, fleet health,
 * decision events) into the docs. `--check` changes nothing and fails when a file differs.
 */
const root = path.resolve(__dirname, '..', '..');
const check = process.argv.includes('--check');
const stale: string[] = [];
for (const file of FILES_WITH_TABLES) {
  const full = path.join(root, file);
  const text = readFileSync(full, 'utf8');
  const generated = withTables(file, text);
  if (generated === text) continue;
  if (check) stale.push(file);
  else writeFileSync(full, generated);
}
if (stale.length > 0) {
  console.error(`generated tables are out of date in ${stale.join(', ')}: run npm run docs`);
  process.exit(1);
}
