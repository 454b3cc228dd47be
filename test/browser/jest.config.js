// A CommonJS config, as jest loads the root one: it extends it rather than repeat it.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const base = require('../../jest.config.js');

/** `pnpm test:browser`: the explorer in a real Chromium (Debian's /usr/bin/chromium), against the all-in-one. */
module.exports = {
  ...base,
  rootDir: '../..',
  testMatch: ['<rootDir>/test/browser/**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/.data/'],
  maxWorkers: 1,
  testTimeout: 120_000,
};
