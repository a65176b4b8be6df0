import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { AssetHashType, DockerImage } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { buildSync, type BuildOptions, type Metafile } from 'esbuild';

const PROJECT_ROOT = path.join(__dirname, '..');
const FUNCTION_DIR = path.join(PROJECT_ROOT, 'lambda', 'retry-stalled-replication');

/** The handler as Lambda finds it in the bundle: `index.mjs`, export `handler`. */
export const FUNCTION_HANDLER = 'index.handler';

/**
 * The function's code: the handler and its dependencies bundled by esbuild into ES modules, the
 * AWS SDK inside (the code tested is the code that runs, whatever SDK the runtime carries).
 *
 * Built here rather than by `NodejsFunction` for measured cold-start wins (`npm run bench`,
 * docs/development.md "Performance"):
 * - code splitting: what only some invocations need (the sweep, SNS notices and their texts,
 *   Systems Manager OpsItems, STS for other accounts) is loaded by `import()` with its first use,
 *   so a plain retry parses none of it; `NodejsFunction` bundles to one file;
 * - one file at start: esbuild's splitting leaves the code a cold start needs in a dozen files,
 *   each resolved, read and linked on its own; a second pass joins them into `index.mjs` (import
 *   1.07–1.10× the floor's before, 0.79–0.89× after);
 * - `@aws-sdk/credential-provider-node` is replaced by a provider that reads only the environment
 *   (`aws/environment-credentials.ts`), which is where Lambda puts the function's credentials; the
 *   default chain (SSO, INI files, IMDS, process, web identity) is never used on Lambda.
 * The bundle is built with esbuild's API at synth (no Docker); the asset hash is the output's.
 */
export function functionCode(): lambda.Code {
  return lambda.Code.fromAsset(FUNCTION_DIR, {
    assetHashType: AssetHashType.OUTPUT,
    bundling: {
      // Only used when local bundling is impossible; `npm ci` installs esbuild, so it never is.
      image: DockerImage.fromRegistry('public.ecr.aws/docker/library/node:20'),
      local: {
        tryBundle(outputDir: string): boolean {
          bundleFunction(outputDir);
          return true;
        },
      },
    },
  });
}

// Some bundled CommonJS code calls require(); ES modules have none of their own.
const REQUIRE = "import{createRequire}from'module';const require=createRequire(import.meta.url);";

const COMMON: BuildOptions = {
  absWorkingDir: PROJECT_ROOT,
  bundle: true,
  format: 'esm',
  platform: 'node',
  // node20 syntax runs on Lambda's Node.js 24 and on the Node.js 20 of the test machines.
  target: 'node20',
  logLevel: 'warning',
};

/**
 * Bundles the handler into `outputDir`: `index.mjs`, everything a cold start loads, and beside it
 * the files `import()` loads when first needed.
 */
export function bundleFunction(outputDir: string): void {
  const split = mkdtempSync(path.join(tmpdir(), 'mgn-stall-retry-split-'));
  try {
    const { metafile } = buildSync({
      ...COMMON,
      entryPoints: { index: path.join(FUNCTION_DIR, 'index.ts') },
      outdir: split,
      outExtension: { '.js': '.mjs' },
      chunkNames: '[name]-[hash]',
      splitting: true,
      // ES module builds of the SDK tree-shake far better than its CommonJS builds.
      mainFields: ['module', 'main'],
      alias: { '@aws-sdk/credential-provider-node': path.join(FUNCTION_DIR, 'aws', 'environment-credentials.ts') },
      // Minified so that the names the files share are short.
      minify: true,
      metafile: true,
    });
    joinStartFiles(split, metafile, outputDir);
  } finally {
    rmSync(split, { recursive: true, force: true });
  }
}

/** The split build's files: the entry, the chunks it imports statically (directly or not), and the rest. */
function startAndLazyFiles(split: string, metafile: Metafile): { entry: string; atStart: Set<string>; lazy: string[] } {
  const absolute = (file: string): string => path.resolve(PROJECT_ROOT, file);
  const outputs = new Map(Object.entries(metafile.outputs).map(([file, output]) => [absolute(file), output]));
  const entry = path.join(split, 'index.mjs');
  const atStart = new Set([entry]);
  for (const file of atStart) {
    for (const imported of outputs.get(file)?.imports ?? []) {
      if (imported.kind === 'import-statement' && !imported.external) atStart.add(absolute(imported.path));
    }
  }
  const lazy = [...outputs.keys()].filter((file) => !atStart.has(file));
  return { entry, atStart, lazy };
}

/**
 * Joins the start files of the split build into `outputDir/index.mjs` and writes the lazy files
 * beside it, each importing what it shares with the start files from `index.mjs` (so every module
 * still exists once). esbuild does the joining: a first build bundles the entry with the start
 * chunks it imports; then each start chunk is replaced by a file that re-exports its names from
 * `index.mjs`, and a second build bundles each lazy file with those. Both minify.
 */
function joinStartFiles(split: string, metafile: Metafile, outputDir: string): void {
  const { entry, atStart, lazy } = startAndLazyFiles(split, metafile);
  const startChunks = [...atStart].filter((file) => file !== entry);
  const exportsOf = (file: string): string[] => metafile.outputs[path.relative(PROJECT_ROOT, file)]?.exports ?? [];
  // A start chunk's export under a name unique in index.mjs.
  const shared = (chunk: number, name: string): string => `$${chunk.toString(36)}_${name}`;
  const lazyImports = lazy.map((file) => `./${path.basename(file)}`);
  const minified: BuildOptions = { ...COMMON, minify: true, banner: { js: REQUIRE } };
  buildSync({
    ...minified,
    stdin: {
      contents: [
        `export * from ${JSON.stringify(entry)};`,
        ...startChunks.map((file, chunk) => `export { ${exportsOf(file).map((name) => `${name} as ${shared(chunk, name)}`).join(', ')} } from ${JSON.stringify(file)};`),
      ].join('\n'),
      resolveDir: split,
      sourcefile: 'start-files.mjs',
      loader: 'js',
    },
    outfile: path.join(outputDir, 'index.mjs'),
    // import() of a lazy file stays as it is: the lazy files keep their names and place.
    external: lazyImports,
  });
  for (const [chunk, file] of startChunks.entries()) {
    writeFileSync(file, `export { ${exportsOf(file).map((name) => `${shared(chunk, name)} as ${name}`).join(', ')} } from './index.mjs';\n`);
  }
  buildSync({ ...minified, entryPoints: lazy, outdir: outputDir, outbase: split, entryNames: '[name]', outExtension: { '.js': '.mjs' }, external: ['./index.mjs', ...lazyImports] });
}
