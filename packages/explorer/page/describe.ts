import { ANYONE, INCOGNITO, type AccessRow, type Answer } from '@permissions/model';

/** How the page names a principal in a table or an explanation. */
export function describePrincipal(principal: string): string {
  if (principal === INCOGNITO) return 'everyone, even without a token';
  if (principal === ANYONE) return 'every signed-in principal';
  if (principal.endsWith('#anyone')) return `everyone from ${principal.slice(0, -'#anyone'.length)}`;
  return principal;
}

export const KIND_LABEL: Record<AccessRow['kind'], string> = {
  incognito: 'wildcard',
  anyone: 'wildcard',
  issuerWildcard: 'issuer wildcard',
  team: 'team',
  user: 'user',
};

export function answerWord(answer: Answer): string {
  return answer === true ? 'allowed' : answer === false ? 'denied (veto)' : 'not granted';
}

export function answerSymbol(answer: Answer): string {
  return answer === true ? '✓' : answer === false ? '✗' : '–';
}
