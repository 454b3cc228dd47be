import { Command, CommanderError, Option } from 'commander';
import { contextOf, type Context, type GlobalOptions, type Io } from './context';
import { deleteCommand, getCommand, patchCommand, putCommand } from './document-commands';
import { devToken } from './dev-token';
import { EXIT, exitCodeOf } from './exit-codes';
import { checkCommand, explainCommand, type CheckOptions } from './question-commands';
import { exportCommand, importCommand, type ImportOptions } from './transfer-commands';

const EXIT_CODES_HELP = `
Exit codes: 0 ok (check: allowed), 1 denied (check answered false or null), 2 usage or a request refused as
malformed (400), 3 not found, 4 conflict (409, or 412: changed since read), 5 not authenticated or not allowed
(401, 403), 6 service unavailable or unreachable.`;

/**
 * `pnpm permissions …`: the commands, parsed by commander. Resolves with the exit code; never exits the process
 * itself (tests run it in process).
 */
export async function runCli(argv: readonly string[], io: Io): Promise<number> {
  let code: number = EXIT.ok;
  const program = new Command('permissions')
    .description('Ask and change who may do what, from a terminal or a script.')
    .option(
      '--url <url>',
      'the all-in-one, or a gateway routing by path (env PERMISSIONS_URL)',
      io.env.PERMISSIONS_URL ?? 'http://127.0.0.1:3200',
    )
    .option(
      '--token <jwt>',
      'bearer token: pnpm -s permissions token NAME (env PERMISSIONS_TOKEN)',
      io.env.PERMISSIONS_TOKEN,
    )
    .option('--json', 'machine-readable output: one JSON value')
    .addHelpText('after', EXIT_CODES_HELP)
    .showHelpAfterError()
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.err(s.trimEnd()) });

  const ctx = (): Context => contextOf(program.opts<GlobalOptions>(), io);
  const run = (action: () => Promise<number | void>) => async () => {
    code = (await action()) ?? EXIT.ok;
  };
  const question = (command: Command) =>
    command
      .requiredOption('-a, --action <action>', 'the action (read, update, …)')
      .option('-u, --user <principal>', "the principal asked about (default: the token's user)")
      .option('-p, --property <property>', 'the property of the documents (default _self)')
      .option('--at-least <seq>', 'answer only from state that includes this event (an X-Event-Sequence)');

  program
    .command('token')
    .description('print a token of the development identity provider (pnpm start) for a user')
    .argument('<name>', 'alice, bob, carol or dave')
    .option('--data-dir <dir>', 'the data directory of pnpm start (default DATA_DIR, else .data in the checkout)')
    .action(async (name: string, options: { dataDir?: string }) =>
      run(async () => {
        io.out(await devToken(name, options.dataDir, io.env));
      })(),
    );

  program
    .command('whoami')
    .description('print the principal ({issuer}#{sub}) the token names, to put in documents')
    .action(async () =>
      run(async () => {
        const context = ctx();
        context.print({ principal: context.me() }, context.me());
      })(),
    );

  question(
    program
      .command('check')
      .description('may the user do the action on every resource? exit 0 if allowed, 1 if not')
      .argument('<resource...>', 'resources (all must allow: three-valued AND)')
      .addOption(new Option('--evidence <kind>', 'what decides').choices(['all', 'documents', 'roles'])),
  ).action(async (resources: string[], options: CheckOptions) => run(() => checkCommand(ctx(), resources, options))());

  question(
    program
      .command('explain')
      .description('why the answer is what it is: the documents, entries and vetoes that decided')
      .argument('<resource>'),
  ).action(async (resource: string, options: CheckOptions) => run(() => explainCommand(ctx(), resource, options))());

  program
    .command('get')
    .description('print the permissions document of a resource (its ETag on stderr)')
    .argument('<subject>')
    .action(async (subject: string) => run(() => getCommand(ctx(), subject))());

  program
    .command('put')
    .description('create a document, or replace the stored one, from a JSON file (- for stdin)')
    .argument('<file>')
    .action(async (file: string) => run(() => putCommand(ctx(), file))());

  program
    .command('patch')
    .description('apply a merge patch (JSON object) or JSON patch (array) from a file (- for stdin)')
    .argument('<subject>')
    .argument('<file>')
    .option('--etag <etag>', 'the version the patch was made against (default: the current one, read first)')
    .action(async (subject: string, file: string, options: { etag?: string }) =>
      run(() => patchCommand(ctx(), subject, file, options))(),
    );

  program
    .command('delete')
    .description('delete the document of a resource')
    .argument('<subject>')
    .option('--cascade', 'also delete every heir you govern')
    .action(async (subject: string, options: { cascade?: boolean }) =>
      run(() => deleteCommand(ctx(), subject, options))(),
    );

  program
    .command('import')
    .description(
      'create or change the documents of an NDJSON file (one document per line, any order) through the bulk route, ' +
        'in chunks, each all or nothing; run again after an interruption, it goes on where it stopped',
    )
    .argument('<file>')
    .option('--chunk <n>', 'documents per request, 1 to 10000 (default 1000)')
    .option('--progress <file>', 'where an unfinished import keeps its progress (default FILE.import-progress.json)')
    .action(async (file: string, options: ImportOptions) => run(() => importCommand(ctx(), file, options))());

  program
    .command('export')
    .description(
      'print every document you may read at and below the roots as NDJSON, as import reads it (default: /, the ' +
        'namespaces you may list and what is shared with you)',
    )
    .argument('[root...]')
    .action(async (roots: string[]) => run(() => exportCommand(ctx(), roots))());

  try {
    await program.parseAsync([...argv], { from: 'user' });
    return code;
  } catch (err) {
    if (err instanceof CommanderError) {
      return err.code === 'commander.helpDisplayed' || err.code === 'commander.help' || err.code === 'commander.version'
        ? EXIT.ok
        : EXIT.usage;
    }
    const message = err instanceof Error ? err.message : String(err);
    if (program.opts<GlobalOptions>().json)
      io.err(JSON.stringify({ error: message, status: (err as { status?: number }).status }));
    else io.err(`permissions: ${message}`);
    return exitCodeOf(err);
  }
}
