import { useEffect, useState } from 'preact/hooks';
import type { AccessMatrix, Answer, DocumentDecision } from '@permissions/model';
import type { Api } from './api';
import type { Chain } from './chain';
import type { CellChoice } from './access-table';
import { answerWord, describePrincipal } from './describe';
import type { Session } from './token';

type Source =
  { kind: 'loading' } | { kind: 'route'; allowed: Answer; because: unknown[] } | { kind: 'chain'; why: string };

/**
 * Why a cell says what it says: from `GET /az-explain` when the service has it and may tell (a user may ask about
 * himself), else from the documents of the chain, evaluated by the same engine in the page.
 */
export function Explanation(props: {
  api: Api;
  session: Session;
  chain: Chain;
  matrix: AccessMatrix;
  choice: CellChoice;
  onClose: () => void;
}) {
  const { api, chain, matrix, choice } = props;
  const row = matrix.rows.find((r) => r.principal === choice.principal);
  const cell = row?.cells[choice.action];
  const [source, setSource] = useState<Source>({ kind: 'loading' });

  useEffect(() => {
    let stale = false;
    if (row?.kind !== 'user') {
      setSource({ kind: 'chain', why: 'the explain route answers for users, not for teams or wildcards' });
      return;
    }
    setSource({ kind: 'loading' });
    void api.explain(chain.subject, choice.action, choice.principal, matrix.property).then((reply) => {
      if (stale) return;
      const body = reply.body as { allowed?: Answer; because?: unknown } | null;
      if (reply.ok && body && Array.isArray(body.because)) {
        setSource({ kind: 'route', allowed: body.allowed ?? null, because: body.because });
      } else {
        setSource({ kind: 'chain', why: `the explain route answered ${reply.status}: ${reply.message}` });
      }
    });
    return () => {
      stale = true;
    };
  }, [api, chain.subject, choice.action, choice.principal, matrix.property, row?.kind]);

  if (!row || !cell) return null;
  return (
    <section class="panel explanation" aria-labelledby="explain-title" aria-live="polite">
      <div class="panel-head">
        <h2 id="explain-title">
          Why: {describePrincipal(choice.principal)} · {choice.action}
        </h2>
        <button type="button" onClick={props.onClose}>
          Close
        </button>
      </div>
      {source.kind === 'loading' ? <p role="status">Asking the explain route…</p> : null}
      {source.kind === 'route' ? (
        <>
          <p>
            <strong>{answerWord(source.allowed)}</strong> — according to <code>/az-explain</code>:
          </p>
          <ol class="because">
            {source.because.map((step, i) => (
              <li key={i}>
                <code>{typeof step === 'string' ? step : JSON.stringify(step)}</code>
              </li>
            ))}
          </ol>
        </>
      ) : null}
      {source.kind === 'chain' ? (
        <ChainExplanation
          chain={chain}
          matrix={matrix}
          decidedBy={cell.decidedBy}
          allowed={cell.allowed}
          why={source.why}
          onlyIssuers={cell.onlyIssuers}
        />
      ) : null}
    </section>
  );
}

/** The chain, document by document: what each said for this principal and action, and how that adds up. */
export function ChainExplanation(props: {
  chain: Chain;
  matrix: Pick<AccessMatrix, 'chain' | 'missing' | 'property'>;
  decidedBy: DocumentDecision[];
  allowed: Answer;
  why: string;
  onlyIssuers?: string[][];
}) {
  const { chain, matrix, decidedBy } = props;
  return (
    <>
      <p>
        <strong>{answerWord(props.allowed)}</strong> — from the documents of the chain ({props.why}). A veto anywhere on
        the chain wins; otherwise one grant is enough.
      </p>
      <ol class="because">
        {matrix.chain.map((subject) => {
          const said = decidedBy.filter((d) => d.subject === subject);
          return (
            <li key={subject}>
              <code>{subject}</code>:{' '}
              {said.length === 0
                ? `no opinion (does not list this principal for ${matrix.property})`
                : said.map((d) =>
                    d.allowed
                      ? `grants, through the entry ${describePrincipal(d.entry)}`
                      : d.because === 'validIssuers'
                        ? 'vetoes: the principal’s issuer is not in its validIssuers'
                        : 'vetoes: wideningForbidden, and it does not grant this itself',
                  )}
            </li>
          );
        })}
        {[...chain.nodes.values()]
          .filter((node) => !node.doc && node.subject !== chain.subject)
          .map((node) => (
            <li key={node.subject}>
              <code>{node.subject}</code>: could not be read ({node.status}: {node.message}); what it says is not
              counted here
            </li>
          ))}
      </ol>
      {props.onlyIssuers && props.onlyIssuers.length > 0 ? (
        <p class="hint">
          Only members whose issuer is in {props.onlyIssuers.map((list) => `[${list.join(', ')}]`).join(' and ')}.
        </p>
      ) : null}
    </>
  );
}
