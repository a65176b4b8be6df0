import * as path from 'node:path';
import { AssetHashType, DockerImage } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { buildSync } from 'esbuild';

const PROJECT_ROOT = path.join(__dirname, '..');
const FUNCTION_DIR = path.join(PROJECT_ROOT, 'lambda', 'retry-stalled-replication');

/** The handler as Lambda finds it in the bundle: `index.mjs`, export `handler`. */
export const FUNCTION_HANDLER = 'index.handler';

/**
 * The function's code: the handler and its dependencies bundled by esbuild into ES modules, the
 * AWS SDK inside (the code tested is the code that runs, whatever SDK the runtime carries).
 *
 * Built here rather than by `NodejsFunction` for two measured cold-start wins (`npm run bench`):
 * - code splitting: clients only some invocations need (SNS for notices, EventBridge for decision
 *   events, Systems Manager for OpsItems, STS for other accounts) are chunks loaded by `import()`
 *   when first needed, so a plain retry parses none of them; `NodejsFunction` bundles to one file;
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

/** Bundles the handler into `outputDir`: `index.mjs` and the lazily loaded `chunks/`. */
export function bundleFunction(outputDir: string): void {
  buildSync({
    entryPoints: { index: path.join(FUNCTION_DIR, 'index.ts') },
    outdir: outputDir,
    outExtension: { '.js': '.mjs' },
    chunkNames: 'chunks/[name]-[hash]',
    absWorkingDir: PROJECT_ROOT,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    // node20 syntax runs on Lambda's Node.js 24 and on the Node.js 20 of the test machines.
    target: 'node20',
    minify: true,
    sourcemap: false,
    // ES module builds of the SDK tree-shake far better than its CommonJS builds.
    mainFields: ['module', 'main'],
    alias: { '@aws-sdk/credential-provider-node': path.join(FUNCTION_DIR, 'aws', 'environment-credentials.ts') },
    // Some bundled CommonJS code calls require(); ES modules have none of their own.
    banner: { js: "import{createRequire}from'module';const require=createRequire(import.meta.url);" },
    logLevel: 'warning',
  });
}
