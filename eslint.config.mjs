import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/node_modules/**', '.data/**', 'coverage/**', 'packages/explorer/dist/**', 'test/browser/output/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', require: 'readonly', module: 'writable' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // A package is used through its `exports`: no deep imports into another package's files, no relative paths
      // into another package (each package.json declares what it imports).
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@permissions/*/src', '@permissions/*/src/**'],
              message: 'import the package through its exports map',
            },
            {
              group: ['../../*/src/**', '../../../*/src/**', '../../../../*/src/**', '../../../test/**'],
              message: 'import another package by its name, declared in package.json',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.test.ts', 'test/**/*.ts', '**/test-support/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off', '@typescript-eslint/no-non-null-assertion': 'off' },
  },
);
