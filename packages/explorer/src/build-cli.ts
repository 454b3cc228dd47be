import { buildExplorerAssets, DIST_DIR } from './build-assets';

/** `pnpm build:explorer`: the explorer's page bundled into `packages/explorer/dist` for a production image. */
buildExplorerAssets().then(
  (files) => process.stdout.write(`explorer assets built in ${DIST_DIR}: ${files.join(', ')}\n`),
  (err: unknown) => {
    process.stderr.write(`explorer build failed: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
