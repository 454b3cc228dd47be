/**
 * What every reader of the API must know, in the document itself: the forms kept from the original (reference §4,
 * §5, §7) so that its clients work unchanged, and what we added (CONTRACT §3, §5).
 */
export const API_DESCRIPTION = `A permissions capability: "may this principal do this action on this resource?", and who may do what.

**Authentication.** Every route but the probes, these documents and the explorer's page needs \`Authorization: Bearer {JWT}\`
from a trusted issuer (\`AUTH_ISSUERS\`); the caller is the principal \`{iss}#{sub}\`. A trusted client may add its own token
as \`X-Client-Authorization\`. Teams are principals too: \`/az-tm-{id}\`. Wildcards: \`http://apigee.com/users#anyone\` (every
authenticated principal), \`http://apigee.com/users#incognito\`, \`{issuer}#anyone\`.

**Compatibility forms kept from the original** (its clients work unchanged):
- *Subjects in the query string.* Maintenance routes take the resource as the raw query string itself:
  \`GET /az-permissions?http://example.com/o/acme\`. The percent-encoded form and \`?subject={url}\` (\`user=\`, \`team=\`
  where the route names those) are accepted too; other parameters (\`&cascade=true\`) need the \`subject=\` form.
- *Bare JSON answers.* \`/az-is-allowed\` answers the bare JSON \`true\`, \`false\` or \`null\` (\`null\`: no document had an
  opinion; treat it as "no"). With \`withScopes\` or \`withIndividualAnswers\` it answers an object. Several \`resource\`
  values combine by three-valued AND.
- *Versions.* Reads and writes answer \`ETag: e{seq}\`; PATCH needs \`If-Match\` with it (bare \`e12\`, quoted \`"e12"\`, weak
  \`W/"e12"\`, \`*\`, or a list), else 412. PATCH bodies are \`application/merge-patch+json\` or \`application/json-patch+json\`
  (any other type is a 400, checked before \`If-Match\`).
- *Errors* are JSON objects \`{"msg": …}\`; 405 carries \`Allow\`.

**Read-your-writes.** Every write answers \`X-Event-Sequence: N\`. A question with \`atLeast=N\` (or header
\`X-Min-Event-Sequence: N\`) is answered only from state that includes that write, or 503 (retry with backoff).`;
