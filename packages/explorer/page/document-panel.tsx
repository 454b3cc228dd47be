import { useState } from 'preact/hooks';
import { validateDocument, type PermissionsDocument } from '@permissions/model';
import type { Api, Features } from './api';
import type { ChainNode } from './chain';
import { isEmptyPatch, mergePatchBetween, nullsIn } from './merge-patch';

type Notice = { kind: 'error' | 'ok'; text: string } | null;

/** What the editor shows: the document without `_metadata`, which the server keeps itself. */
function editable(doc: PermissionsDocument): Record<string, unknown> {
  const { _metadata: _kept, ...rest } = doc;
  return rest;
}

/**
 * The document, pretty, with its ETag; edited as JSON and saved as a merge patch with `If-Match`, so that a change
 * someone else made in between is a 412 shown here, never silently overwritten.
 */
export function DocumentPanel(props: {
  api: Api;
  features: Features;
  node: ChainNode;
  onEdit: () => void;
  onSaved: (etag: string | null) => void;
}) {
  const { api, features } = props;
  const [base, setBase] = useState({ doc: props.node.doc as PermissionsDocument, etag: props.node.etag ?? '' });
  const [editing, setEditing] = useState(false);
  const [text, setText] = useState('');
  const [notice, setNotice] = useState<Notice>(null);
  const [conflict, setConflict] = useState(false);
  const [unsaved, setUnsaved] = useState<string | null>(null);
  const [preview, setPreview] = useState<{ gains: unknown; losses: unknown } | null>(null);
  const [working, setWorking] = useState<string | null>(null);
  const subject = base.doc._subject;

  function startEditing() {
    setText(JSON.stringify(editable(base.doc), null, 2));
    setNotice(null);
    setConflict(false);
    setUnsaved(null);
    setPreview(null);
    setEditing(true);
    props.onEdit();
  }

  /** The patch to send, or a notice saying why there is none (the API's own validation, run here first). */
  function patchOrNotice(): { patch: unknown } | { notice: Notice } {
    let after: unknown;
    try {
      after = JSON.parse(text);
    } catch (err) {
      return { notice: { kind: 'error', text: `invalid JSON: ${err instanceof Error ? err.message : String(err)}` } };
    }
    try {
      validateDocument(after);
    } catch (err) {
      return { notice: { kind: 'error', text: err instanceof Error ? err.message : String(err) } };
    }
    const nulls = nullsIn(after);
    if (nulls.length > 0) {
      return {
        notice: {
          kind: 'error',
          text: `null cannot be stored (a merge patch reads it as "remove"): ${nulls.join(', ')}`,
        },
      };
    }
    const patch = mergePatchBetween(editable(base.doc), after);
    if (isEmptyPatch(patch)) return { notice: { kind: 'ok', text: 'Nothing changed.' } };
    return { patch };
  }

  async function save() {
    const prepared = patchOrNotice();
    if ('notice' in prepared) return setNotice(prepared.notice);
    setWorking('Saving…');
    const reply = await api.patchDocument(subject, prepared.patch, base.etag);
    setWorking(null);
    if (reply.ok) {
      setEditing(false);
      props.onSaved(reply.etag);
    } else if (reply.status === 412) {
      setConflict(true);
      setUnsaved(text);
      setNotice({ kind: 'error', text: `Not saved: ${reply.message}` });
    } else {
      setNotice({ kind: 'error', text: `Not saved (${reply.status}): ${reply.message}` });
    }
  }

  async function previewChanges() {
    const prepared = patchOrNotice();
    if ('notice' in prepared) return setNotice(prepared.notice);
    setWorking('Computing who would gain and lose access…');
    const reply = await api.patchDocument(subject, prepared.patch, base.etag, true);
    setWorking(null);
    if (reply.ok) {
      setPreview({ gains: reply.body.gains ?? {}, losses: reply.body.losses ?? {} });
      setNotice(null);
    } else {
      setNotice({ kind: 'error', text: `Preview refused (${reply.status}): ${reply.message}` });
    }
  }

  async function reload() {
    setWorking('Reading the current version…');
    const reply = await api.document(subject);
    setWorking(null);
    if (!reply.ok) return setNotice({ kind: 'error', text: `Could not reload (${reply.status}): ${reply.message}` });
    setBase({ doc: reply.body, etag: reply.etag ?? '' });
    setConflict(false);
    setText(JSON.stringify(editable(reply.body), null, 2));
    setNotice({
      kind: 'ok',
      text: `Reloaded: this is the current version (ETag ${reply.etag}). Your text is kept below.`,
    });
    setPreview(null);
  }

  return (
    <section class="panel" aria-labelledby="document-title">
      <div class="panel-head">
        <h2 id="document-title">Document</h2>
        <span class="etag">
          ETag <code data-testid="etag">{base.etag}</code>
        </span>
      </div>
      {!editing ? (
        <>
          <pre class="json" tabIndex={0} aria-label={`Permissions document of ${subject}`}>
            {JSON.stringify(base.doc, null, 2)}
          </pre>
          <button type="button" onClick={startEditing}>
            Edit
          </button>
        </>
      ) : (
        <form
          onSubmit={(event) => {
            event.preventDefault();
            void save();
          }}
        >
          <label for="document-json">Document (JSON; _metadata is kept by the server and left out here)</label>
          <textarea
            id="document-json"
            class="json"
            rows={18}
            spellcheck={false}
            value={text}
            onInput={(event) => setText((event.target as HTMLTextAreaElement).value)}
          />
          <div class="button-row">
            <button type="submit" disabled={working !== null}>
              Save
            </button>
            {features.dryRun ? (
              <button type="button" disabled={working !== null} onClick={() => void previewChanges()}>
                Preview gains and losses
              </button>
            ) : null}
            <button type="button" onClick={() => setEditing(false)}>
              Cancel
            </button>
          </div>
          {!features.dryRun ? (
            <p class="hint">
              A preview of who would gain or lose access needs the dry-run route, which this service does not offer.
            </p>
          ) : null}
        </form>
      )}
      {working ? (
        <p role="status">
          <progress aria-label="Working" /> {working}
        </p>
      ) : null}
      {notice ? (
        <p class={notice.kind === 'error' ? 'error' : 'ok'} role={notice.kind === 'error' ? 'alert' : 'status'}>
          {notice.text}
        </p>
      ) : null}
      {conflict ? (
        <div class="conflict" role="group" aria-labelledby="conflict-title">
          <h3 id="conflict-title">Someone else changed this document</h3>
          <p>
            You edited the version with ETag <code>{base.etag}</code>; the service now holds a newer one. Reload it,
            then apply your change again (your text stays here to copy from).
          </p>
          <button type="button" onClick={() => void reload()}>
            Reload the current version
          </button>
        </div>
      ) : null}
      {unsaved !== null && editing ? (
        <details class="unsaved">
          <summary>Your unsaved text</summary>
          <pre class="json">{unsaved}</pre>
        </details>
      ) : null}
      {preview ? (
        <div class="preview">
          <h3>If saved</h3>
          <h4>Would gain</h4>
          <pre class="json">{JSON.stringify(preview.gains, null, 2)}</pre>
          <h4>Would lose</h4>
          <pre class="json">{JSON.stringify(preview.losses, null, 2)}</pre>
        </div>
      ) : null}
    </section>
  );
}
