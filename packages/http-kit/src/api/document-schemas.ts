import { z } from 'zod';

/**
 * Schemas of the bodies more than one service takes or answers: permissions documents and patches. Their messages
 * are the model's (validate-document), word for word: the model still checks every document (PATCH results too);
 * these say the same thing first, at the boundary, and describe the shapes in the OpenAPI document.
 */
const dotted = (path: ReadonlyArray<PropertyKey> | undefined) =>
  (path ?? [])
    .filter((p) => typeof p !== 'number')
    .map(String)
    .join('.');

const principalList = (what = 'principals') =>
  z
    .array(z.string({ error: (iss) => `invalid JSON: "${dotted(iss.path)}" must be an array of strings (${what})` }), {
      error: (iss) => `invalid JSON: "${dotted(iss.path)}" must be an array of strings (${what})`,
    })
    .meta({
      description: 'Principals: `{issuer}#{sub}`, a team `/az-tm-{id}`, a wildcard, or an e-mail (turned into an id)',
    });

export const ActionMap = z
  .record(z.string(), principalList(), {
    error: (iss) => `invalid JSON: "${dotted(iss.path)}" must be an object mapping actions to arrays of principals`,
  })
  .meta({ id: 'ActionMap', description: 'Action name → the principals allowed it (`{"read": ["…#alice"]}`)' });

const parentsMessage =
  'invalid JSON: "_inheritsPermissionsOf" must be a non-empty string or an array of non-empty strings';
const nonEmptyParent = z.string({ error: parentsMessage }).min(1, { error: parentsMessage });

export const Constraints = z
  .strictObject(
    {
      validIssuers: z
        .array(z.string(), { error: 'invalid JSON: "_constraints.validIssuers" must be an array of strings' })
        .optional()
        .meta({ description: 'Only principals of these issuers may be granted anything here and below' }),
      wideningForbidden: z
        .boolean({ error: 'invalid JSON: "_constraints.wideningForbidden" must be a boolean' })
        .optional()
        .meta({ description: 'Heirs may not grant what this document does not' }),
    },
    {
      error: (iss) =>
        iss.code === 'unrecognized_keys'
          ? `invalid JSON: unknown constraint "_constraints.${iss.keys[0]}" (allowed: validIssuers, wideningForbidden)`
          : 'invalid JSON: "_constraints" must be an object',
    },
  )
  .meta({ id: 'Constraints' });

export const Metadata = z
  .looseObject({
    creator: z.string().optional(),
    created: z.string().optional(),
    modifier: z.string().optional(),
    modified: z.string().optional(),
    sharedWith: z.array(z.string()).optional(),
    incarnation: z.number().optional().meta({
      description: 'Which creation of this subject the document is: a role is bound to the one it was granted on',
    }),
    namespace: z
      .boolean()
      .optional()
      .meta({ description: 'Set on a namespace: a document a governor of `/` created with no parent but `/`' }),
  })
  .meta({ id: 'Metadata', description: 'Set by the server (what a client sends here is discarded)' });

export const PermissionsDocument = z
  .looseObject(
    {
      _subject: z
        .string({
          error: (iss) =>
            iss.input === undefined || iss.input === null
              ? 'invalid JSON: "_subject" property not set'
              : 'invalid JSON: "_subject" property must be a non-empty string',
        })
        .min(1, { error: 'invalid JSON: "_subject" property must be a non-empty string' })
        .meta({ description: 'The resource this document governs (a URL)' }),
      _inheritsPermissionsOf: z
        .union([nonEmptyParent, z.array(nonEmptyParent, { error: parentsMessage })], { error: parentsMessage })
        .optional()
        .meta({ description: 'Parents whose permissions this resource inherits (a string is read as one parent)' }),
      _self: ActionMap.optional().meta({
        description: 'Who may act on the resource itself: read, update, delete, admin, govern…',
      }),
      _permissionsHeirs: ActionMap.optional().meta({
        description: 'Who may add (inherit from this), read or remove heirs',
      }),
      _constraints: Constraints.optional(),
      _metadata: Metadata.optional(),
    },
    { error: 'invalid JSON: a permissions document must be a JSON object' },
  )
  .catchall(
    z.unknown().meta({
      description:
        'Any other property: an object is an action map for that property (e.g. `keyvaluemaps`), anything else is data',
    }),
  )
  .meta({
    id: 'PermissionsDocument',
    description: 'A permissions document (reference §3.1). Without inheritance it needs at least one `_self.govern`.',
  });

export const MergePatch = z
  .record(z.string(), z.unknown(), { error: 'a merge patch must be a JSON object' })
  .meta({ id: 'MergePatch', description: 'RFC 7386: `null` deletes a member, objects merge, arrays replace' });

const patchOperationMessage = 'each JSON patch operation must be an object with a string path';
export const JsonPatch = z
  .array(
    z.looseObject(
      {
        op: z.enum(['add', 'remove', 'replace', 'move', 'copy', 'test'], {
          error: 'invalid JSON patch: op must be one of add, remove, replace, move, copy, test',
        }),
        path: z.string({ error: patchOperationMessage }),
        from: z.string().optional(),
        value: z.unknown().optional(),
      },
      { error: patchOperationMessage },
    ),
    { error: 'a JSON patch must be an array of operations' },
  )
  .meta({
    id: 'JsonPatch',
    description:
      "RFC 6902, with the original's leniencies: `add` to `/list/-` creates a missing list; `remove` of a missing path does nothing",
  });

/** The two PATCH media types (reference §4): any other is a 400 that names them. */
export const PATCH_CONTENT = {
  'application/merge-patch+json': MergePatch,
  'application/json-patch+json': JsonPatch,
} as const;

/** `If-Match` as PATCH reads it. */
export const ifMatchHeader = z.looseObject({
  'if-match': z.string().optional().meta({
    description:
      'The current `ETag` (required: missing or stale is a 412). Bare `e12`, quoted `"e12"`, weak `W/"e12"`, `*`, or a list.',
  }),
});
