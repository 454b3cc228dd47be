import { useEffect, useState } from 'preact/hooks';
import type { Api, Features } from './api';
import { loadChain, loadTeamMembers, matrixOf, propertiesOf, type Chain } from './chain';
import { AccessTable, type CellChoice } from './access-table';
import { DocumentPanel } from './document-panel';
import { Explanation } from './explanation';
import { InheritanceTree } from './inheritance-tree';
import { QuestionForm } from './question-form';
import type { Session } from './token';

interface Loaded {
  chain: Chain;
  teamMembers: Record<string, string[]>;
}

/** Type or pick a resource; see its document, inheritance, who can access it and why; ask; edit. */
export function ResourceView(props: {
  api: Api;
  session: Session;
  features: Features;
  resource: string;
  onOpen: (subject: string) => void;
}) {
  const { api, session, features, resource } = props;
  const [typed, setTyped] = useState(resource);
  const [suggestions, setSuggestions] = useState<string[]>([]);
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  const [progress, setProgress] = useState<string | null>(null);
  const [property, setProperty] = useState('_self');
  const [cell, setCell] = useState<CellChoice | null>(null);
  const [generation, setGeneration] = useState(0);
  const [flash, setFlash] = useState<string | null>(null);

  useEffect(() => {
    void api.sharedWith(session.principal).then((reply) => {
      const list = reply.ok && Array.isArray(reply.body) ? reply.body : [];
      setSuggestions(['/', ...list.filter((s) => s !== '/')].slice(0, 500));
    });
  }, [api, session.principal]);

  useEffect(() => {
    setTyped(resource);
    setProperty('_self');
    setCell(null);
    setFlash(null);
  }, [resource]);

  useEffect(() => {
    if (resource === '') return;
    let stale = false;
    // A reload of the same resource (after a save) keeps the page in place until the new version is read.
    setLoaded((previous) => (previous?.chain.subject === resource ? previous : null));
    setProgress('Reading the document…');
    void (async () => {
      const chain = await loadChain(api, resource, (n) => {
        if (!stale) setProgress(`Reading the inheritance chain: ${n} document${n === 1 ? '' : 's'} so far…`);
      });
      if (stale) return;
      setProgress('Reading the teams named on the chain…');
      const teamMembers = await loadTeamMembers(api, chain);
      if (stale) return;
      setLoaded({ chain, teamMembers });
      setProgress(null);
    })();
    return () => {
      stale = true;
    };
  }, [api, resource, generation]);

  const root = loaded?.chain.nodes.get(resource);
  const properties = loaded ? propertiesOf(loaded.chain) : ['_self'];
  const matrix = loaded && root?.doc ? matrixOf(loaded.chain, property, loaded.teamMembers) : null;

  return (
    <div class="resource-view">
      <form
        class="panel open-resource"
        role="search"
        onSubmit={(event) => {
          event.preventDefault();
          const subject = typed.trim();
          if (subject === resource) setGeneration((g) => g + 1);
          else if (subject !== '') props.onOpen(subject);
        }}
      >
        <label for="resource">Resource (its URL, as in its document's _subject)</label>
        <div class="input-row">
          <input
            id="resource"
            type="text"
            list="resource-suggestions"
            spellcheck={false}
            autocomplete="off"
            placeholder="http://example.com/things/1"
            value={typed}
            onInput={(event) => setTyped((event.target as HTMLInputElement).value)}
          />
          <datalist id="resource-suggestions">
            {suggestions.map((s) => (
              <option key={s} value={s} />
            ))}
          </datalist>
          <button type="submit">Open</button>
        </div>
        <p class="hint">Suggestions: resources shared with you (and the root document /).</p>
      </form>

      {progress ? (
        <p class="progress" role="status">
          <progress aria-label="Loading" /> {progress}
        </p>
      ) : null}

      {loaded && root && !root.doc ? (
        <p class="error panel" role="alert">
          {resource}: {root.message}
          {root.status === 404 ? ' — reading a document needs the admin action on it.' : ''}
        </p>
      ) : null}

      {flash ? (
        <p class="ok panel" role="status">
          {flash}
        </p>
      ) : null}

      {loaded && root?.doc ? (
        <div class="columns">
          <div class="column">
            <DocumentPanel
              key={`${resource}:${root.etag}`}
              api={api}
              features={features}
              node={root}
              onEdit={() => setFlash(null)}
              onSaved={(etag) => {
                setFlash(`Saved: the document now has ETag ${etag ?? '(none)'}.`);
                setGeneration((g) => g + 1);
              }}
            />
            <InheritanceTree api={api} chain={loaded.chain} onOpen={props.onOpen} />
          </div>
          <div class="column">
            <section class="panel" aria-labelledby="access-title">
              <h2 id="access-title">Who can access {resource}</h2>
              <label for="property">Property</label>
              <select
                id="property"
                value={property}
                onChange={(event) => {
                  setProperty((event.target as HTMLSelectElement).value);
                  setCell(null);
                }}
              >
                {properties.map((p) => (
                  <option key={p} value={p}>
                    {p === '_self' ? '_self (the resource itself)' : p}
                  </option>
                ))}
              </select>
              {matrix ? (
                <AccessTable matrix={matrix} me={session.principal} selected={cell} onSelect={setCell} />
              ) : null}
            </section>
            {cell && matrix ? (
              <Explanation
                api={api}
                session={session}
                chain={loaded.chain}
                matrix={matrix}
                choice={cell}
                onClose={() => setCell(null)}
              />
            ) : null}
            <QuestionForm api={api} session={session} chain={loaded.chain} properties={properties} />
          </div>
        </div>
      ) : null}
    </div>
  );
}
