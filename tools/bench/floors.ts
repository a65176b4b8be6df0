import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { build } from 'esbuild';
import type { BundledFunction } from '../bundle-runner/bundled-function';

/**
 * Bundles a floor handler as `NodejsFunction` bundles a function: one minified ES module file, the
 * AWS SDK inside with its default credential chain. No environment of its own: the local
 * endpoints, Region and credentials are all it reads.
 */
export async function bundleFloor(file: 'floor-import.ts' | 'floor-handler.ts', exportName: string): Promise<BundledFunction> {
  const outdir = mkdtempSync(path.join(tmpdir(), 'mgn-stall-retry-floor-'));
  await build({
    entryPoints: [path.join(__dirname, file)],
    outfile: path.join(outdir, 'index.mjs'),
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    minify: true,
    mainFields: ['module', 'main'],
    banner: { js: "import{createRequire}from'module';const require=createRequire(import.meta.url);" },
    logLevel: 'silent',
  });
  return { entry: path.join(outdir, 'index.mjs'), exportName, environment: {}, resourceVariables: [], timeoutSeconds: 900, memorySize: 256 };
}
