/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  testMatch: ['<rootDir>/{packages,services,test,examples}/**/*.test.ts'],
  // The browser test needs Chromium: `pnpm test:browser` runs it (test/browser/jest.config.js).
  testPathIgnorePatterns: ['/node_modules/', '/.data/', '<rootDir>/test/browser/'],
  transform: {
    '^.+\\.ts$': [
      '@swc/jest',
      { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } },
    ],
  },
  globalSetup: '<rootDir>/test/jest/global-setup.mjs',
  globalTeardown: '<rootDir>/test/jest/global-teardown.mjs',
  testTimeout: 60000,
  maxWorkers: 2,
};
