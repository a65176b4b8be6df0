import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';

/** Bytes of a set of files: as stored, and gzip-compressed file by file. */
export interface Bytes {
  readonly bytes: number;
  readonly gzipBytes: number;
}

export interface BundleFiles {
  /** The entry file and every file it imports statically: what a cold start parses. */
  readonly loadedAtStart: Bytes;
  /** Every file of the bundle. */
  readonly all: Bytes;
  /** Files only `import()` reaches (directly or through other such files), by name: loaded when first needed. */
  readonly lazy: readonly (Bytes & { readonly file: string })[];
}

// Static imports as esbuild writes them: `from"./x.mjs"` or `import"./x.mjs"`; `import("./x.mjs")` is lazy.
const STATIC_IMPORT = /(?:\bfrom|\bimport)\s*["'](\.{1,2}\/[^"']+)["']/g;

function sizeOf(files: readonly string[]): Bytes {
  let bytes = 0;
  let gzipBytes = 0;
  for (const file of files) {
    const content = readFileSync(file);
    bytes += content.length;
    gzipBytes += gzipSync(content).length;
  }
  return { bytes, gzipBytes };
}

function staticClosure(entry: string): string[] {
  const seen = new Set<string>([entry]);
  const queue = [entry];
  for (let file = queue.shift(); file !== undefined; file = queue.shift()) {
    for (const match of readFileSync(file, 'utf8').matchAll(STATIC_IMPORT)) {
      const imported = path.resolve(path.dirname(file), match[1] ?? '');
      if (!seen.has(imported)) {
        seen.add(imported);
        queue.push(imported);
      }
    }
  }
  return [...seen];
}

function filesUnder(directory: string): string[] {
  return readdirSync(directory, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.mjs'))
    .map((entry) => path.join(entry.parentPath, entry.name));
}

/** What a bundle (an entry `.mjs` and its chunks in the same directory tree) costs to ship and to start. */
export function measureBundleFiles(entry: string): BundleFiles {
  const atStart = staticClosure(entry);
  const all = filesUnder(path.dirname(entry));
  const lazy = all.filter((file) => !atStart.includes(file)).sort();
  return {
    loadedAtStart: sizeOf(atStart),
    all: sizeOf(all),
    lazy: lazy.map((file) => ({ file: path.relative(path.dirname(entry), file), ...sizeOf([file]) })),
  };
}
