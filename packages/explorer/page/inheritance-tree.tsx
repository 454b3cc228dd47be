import { useState } from 'preact/hooks';
import type { Api } from './api';
import type { Chain } from './chain';

/**
 * The resource's place in the inheritance graph: its ancestors drawn upwards (already read with the chain) and its
 * heirs downwards, each level read from `/az-permissions-heirs` only when opened.
 */
export function InheritanceTree(props: { api: Api; chain: Chain; onOpen: (subject: string) => void }) {
  const { chain } = props;
  return (
    <section class="panel tree" aria-labelledby="tree-title">
      <h2 id="tree-title">Inheritance</h2>
      <h3>Inherits from (ancestors, upwards)</h3>
      <Ancestors chain={chain} subject={chain.subject} path={[]} onOpen={props.onOpen} />
      {chain.truncated ? (
        <p class="hint">The chain is longer than the explorer reads; deeper ancestors are left out.</p>
      ) : null}
      <h3>Inherited by (heirs, downwards)</h3>
      <ul class="heirs">
        <HeirNode api={props.api} subject={chain.subject} isRoot onOpen={props.onOpen} />
      </ul>
    </section>
  );
}

function Ancestors(props: { chain: Chain; subject: string; path: string[]; onOpen: (subject: string) => void }) {
  const node = props.chain.nodes.get(props.subject);
  const parents = node?.parents ?? [];
  const isRoot = props.path.length === 0;
  return (
    <ul class="ancestors">
      <li>
        <span class="node">
          {isRoot ? <strong>{props.subject}</strong> : <code>{props.subject}</code>}
          {node && !node.doc ? <span class="unreadable"> — not readable ({node.status})</span> : null}
          {!node ? <span class="unreadable"> — not read</span> : null}
          {!isRoot ? (
            <button type="button" class="small" onClick={() => props.onOpen(props.subject)}>
              Open
            </button>
          ) : null}
        </span>
        {parents.length > 0 ? (
          props.path.includes(props.subject) ? (
            <span class="unreadable"> (cycle)</span>
          ) : (
            parents.map((parent) => (
              <Ancestors
                key={parent}
                chain={props.chain}
                subject={parent}
                path={[...props.path, props.subject]}
                onOpen={props.onOpen}
              />
            ))
          )
        ) : isRoot ? (
          <p class="hint">No parents: this document decides alone.</p>
        ) : null}
      </li>
    </ul>
  );
}

type Heirs =
  | { state: 'closed' }
  | { state: 'loading' }
  | { state: 'open'; contents: string[] }
  | { state: 'error'; message: string };

function HeirNode(props: { api: Api; subject: string; isRoot?: boolean; onOpen: (subject: string) => void }) {
  const [heirs, setHeirs] = useState<Heirs>({ state: 'closed' });
  const expanded = heirs.state === 'open' || heirs.state === 'loading';

  async function toggle() {
    if (expanded) return setHeirs({ state: 'closed' });
    setHeirs({ state: 'loading' });
    const reply = await props.api.heirs(props.subject);
    setHeirs(
      reply.ok
        ? { state: 'open', contents: reply.body.contents }
        : { state: 'error', message: `${reply.status}: ${reply.message}` },
    );
  }

  return (
    <li>
      <span class="node">
        <button
          type="button"
          class="toggle"
          aria-expanded={expanded}
          aria-label={`${expanded ? 'Hide' : 'Show'} heirs of ${props.subject}`}
          onClick={() => void toggle()}
        >
          {expanded ? '▾' : '▸'}
        </button>
        {props.isRoot ? <strong>{props.subject}</strong> : <code>{props.subject}</code>}
        {!props.isRoot ? (
          <button type="button" class="small" onClick={() => props.onOpen(props.subject)}>
            Open
          </button>
        ) : null}
      </span>
      {heirs.state === 'loading' ? <p role="status">Reading heirs…</p> : null}
      {heirs.state === 'error' ? <p class="error">Heirs could not be read ({heirs.message})</p> : null}
      {heirs.state === 'open' ? (
        heirs.contents.length === 0 ? (
          <p class="hint">No heirs you may see.</p>
        ) : (
          <ul>
            {heirs.contents.map((heir) => (
              <HeirNode key={heir} api={props.api} subject={heir} onOpen={props.onOpen} />
            ))}
          </ul>
        )
      ) : null}
    </li>
  );
}
