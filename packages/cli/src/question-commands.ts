import type { Evidence } from '@permissions/client';
import type { Context } from './context';
import { EXIT, UsageError } from './exit-codes';

export interface CheckOptions {
  action: string;
  user?: string;
  property?: string;
  atLeast?: string;
  evidence?: Evidence;
}

function atLeastOf(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d{1,15}$/.test(text)) throw new UsageError('--at-least must be a non-negative integer (an X-Event-Sequence)');
  return Number(text);
}

/** Exit 0 when allowed, 1 when not (false, or null: no document had an opinion). */
export async function checkCommand(ctx: Context, resources: string[], options: CheckOptions): Promise<number> {
  const answer = await ctx.client.isAllowed({
    resource: resources,
    action: options.action,
    user: options.user ?? ctx.me(),
    property: options.property,
    atLeast: atLeastOf(options.atLeast),
    evidence: options.evidence,
  });
  ctx.print(answer, answer === true ? 'allowed' : answer === false ? 'denied' : 'denied (no document has an opinion)');
  return answer === true ? EXIT.ok : EXIT.denied;
}

export async function explainCommand(ctx: Context, resource: string, options: CheckOptions): Promise<number> {
  const explained = await ctx.client.explain({
    resource,
    action: options.action,
    user: options.user ?? ctx.me(),
    property: options.property,
    atLeast: atLeastOf(options.atLeast),
  });
  const lines = [
    `${explained.allowed === true ? 'allowed' : 'denied'} (${JSON.stringify(explained.allowed)}) because:`,
  ];
  for (const step of explained.because) lines.push(`  - ${typeof step === 'string' ? step : JSON.stringify(step)}`);
  ctx.print(explained, lines.join('\n'));
  return explained.allowed === true ? EXIT.ok : EXIT.denied;
}
