import { randomBytes } from 'node:crypto';
import { startStack, type Stack } from './stack';

export type Who = 'alice' | 'bob' | 'carol' | 'dave' | 'client';

/** A test file's stack, a token per dev identity (minted once: they outlive a test file) and the principals. */
export interface FileStack {
  stack: Stack;
  tokens: Record<Who, string>;
  p: Stack['principals'];
}

/** One stack for the test file: started in beforeAll, closed in afterAll; call the result inside tests. */
export function useStack(env: Record<string, string> = {}): () => FileStack {
  let current: FileStack | undefined;
  beforeAll(async () => {
    const stack = await startStack({ env });
    const names = ['alice', 'bob', 'carol', 'dave', 'client'] as const;
    const minted = await Promise.all(names.map((n) => stack.token(n)));
    const tokens = Object.fromEntries(names.map((n, i) => [n, minted[i]])) as FileStack['tokens'];
    current = { stack, tokens, p: stack.principals };
  });
  afterAll(async () => current?.stack.close());
  return () => {
    if (!current) throw new Error('the stack has not started');
    return current;
  };
}

/** A subject no other test uses: `http://example.com/{label}-{hex}`. */
export function subjectFor(label: string): string {
  return `http://example.com/${label}-${randomBytes(4).toString('hex')}`;
}
