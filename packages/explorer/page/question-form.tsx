import { useState } from 'preact/hooks';
import { isAllowedByDocuments, type Answer, type DocumentDecision } from '@permissions/model';
import { teamPath, type Api } from './api';
import { lookupOf, type Chain } from './chain';
import { ChainExplanation } from './explanation';
import { answerWord } from './describe';
import type { Session } from './token';

interface Result {
  principal: string;
  action: string;
  property: string;
  answer: { status: number; value: Answer; message: string };
  actions: { status: number; value: string[]; message: string };
  why:
    | { kind: 'route'; because: unknown[] }
    | { kind: 'chain'; reason: string; decidedBy: DocumentDecision[]; allowed: Answer };
}

/** Ask the service a question (principal, action) about the open resource, and see the answer and why. */
export function QuestionForm(props: { api: Api; session: Session; chain: Chain; properties: string[] }) {
  const { api, session, chain } = props;
  const [principal, setPrincipal] = useState(session.principal);
  const [action, setAction] = useState('read');
  const [property, setProperty] = useState('_self');
  const [result, setResult] = useState<Result | null>(null);
  const [asking, setAsking] = useState(false);

  async function ask() {
    setAsking(true);
    const [answer, actions, explained] = await Promise.all([
      api.isAllowed(chain.subject, action, principal, property),
      api.allowedActions(chain.subject, principal, property),
      api.explain(chain.subject, action, principal, property),
    ]);
    const explainBody = explained.body as { because?: unknown } | null;
    let why: Result['why'];
    if (explained.ok && explainBody && Array.isArray(explainBody.because)) {
      why = { kind: 'route', because: explainBody.because };
    } else {
      // The user's own teams are known to the service; for someone else only his token could tell.
      const teams =
        principal === session.principal
          ? await api.teamsOf(principal).then((r) => (r.ok ? r.body.contents.map(teamPath) : []))
          : [];
      const local = isAllowedByDocuments(lookupOf(chain), chain.subject, { property, action }, { principal, teams });
      why = {
        kind: 'chain',
        reason: `the explain route answered ${explained.status}: ${explained.message}`,
        decidedBy: local.decidedBy,
        allowed: local.allowed,
      };
    }
    setResult({
      principal,
      action,
      property,
      answer: { status: answer.status, value: answer.ok ? answer.body : null, message: answer.message },
      actions: { status: actions.status, value: actions.ok ? actions.body : [], message: actions.message },
      why,
    });
    setAsking(false);
  }

  return (
    <section class="panel" aria-labelledby="ask-title">
      <h2 id="ask-title">Ask a question</h2>
      <form
        class="question"
        onSubmit={(event) => {
          event.preventDefault();
          void ask();
        }}
      >
        <label for="ask-principal">Principal</label>
        <input
          id="ask-principal"
          type="text"
          spellcheck={false}
          value={principal}
          onInput={(event) => setPrincipal((event.target as HTMLInputElement).value)}
        />
        <label for="ask-action">Action</label>
        <input
          id="ask-action"
          type="text"
          spellcheck={false}
          value={action}
          onInput={(event) => setAction((event.target as HTMLInputElement).value)}
        />
        <label for="ask-property">Property</label>
        <select
          id="ask-property"
          value={property}
          onChange={(event) => setProperty((event.target as HTMLSelectElement).value)}
        >
          {props.properties.map((p) => (
            <option key={p} value={p}>
              {p}
            </option>
          ))}
        </select>
        <button type="submit" disabled={asking || principal.trim() === '' || action.trim() === ''}>
          {asking ? 'Asking…' : 'Ask'}
        </button>
      </form>
      <p class="hint">The service answers questions about yourself; about someone else only for a client it trusts.</p>
      {result ? (
        <div class="answer" aria-live="polite">
          <h3>
            May {result.principal === session.principal ? 'you' : result.principal} {result.action} ({result.property})?
          </h3>
          {result.answer.status === 200 ? (
            <p class={`verdict answer-${String(result.answer.value)}`}>
              <code>/az-is-allowed</code>: <strong>{JSON.stringify(result.answer.value)}</strong> (
              {answerWord(result.answer.value)})
            </p>
          ) : (
            <p class="error" role="alert">
              <code>/az-is-allowed</code> answered {result.answer.status}: {result.answer.message}
            </p>
          )}
          {result.actions.status === 200 ? (
            <p>
              <code>/az-allowed-actions</code>:{' '}
              {result.actions.value.length === 0 ? 'none' : result.actions.value.join(', ')}
            </p>
          ) : (
            <p class="error">
              <code>/az-allowed-actions</code> answered {result.actions.status}: {result.actions.message}
            </p>
          )}
          <h3>Why</h3>
          {result.why.kind === 'route' ? (
            <ol class="because">
              {result.why.because.map((step, i) => (
                <li key={i}>
                  <code>{typeof step === 'string' ? step : JSON.stringify(step)}</code>
                </li>
              ))}
            </ol>
          ) : (
            <>
              <ChainExplanation
                chain={chain}
                matrix={{
                  chain: [...chain.nodes.values()].filter((n) => n.doc).map((n) => n.subject),
                  missing: [],
                  property: result.property,
                }}
                decidedBy={result.why.decidedBy}
                allowed={result.why.allowed}
                why={result.why.reason}
              />
              {result.answer.status === 200 && result.answer.value === true && result.why.allowed === null ? (
                <p class="hint">
                  No document of the chain grants it: a team role (or a team the page cannot see) does.
                </p>
              ) : null}
            </>
          )}
        </div>
      ) : null}
    </section>
  );
}
