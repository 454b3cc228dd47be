import { z } from 'zod';
import { MISSING_PERMISSIONS } from '../commands/create-team';

/**
 * A team as created and as answered (reference §3.3, §8). The messages are the model's (validate-team), word for
 * word: the model checks every team (PATCH results too); these say it first, at the boundary, and describe it.
 */
const baseOf = (path: ReadonlyArray<PropertyKey> | undefined) => String(path?.[1] ?? '');
const patternOf = (path: ReadonlyArray<PropertyKey> | undefined) => String(path?.[2] ?? '');

const RoleActions = z.array(
  z.string({
    error: (iss) =>
      `invalid JSON: actions of role path pattern "${patternOf(iss.path)}" of base ${baseOf(iss.path)} must be an array of strings`,
  }),
  {
    error: (iss) =>
      `invalid JSON: actions of role path pattern "${patternOf(iss.path)}" of base ${baseOf(iss.path)} must be an array of strings`,
  },
);

const Roles = z
  .record(
    z.string().min(1, { error: 'invalid JSON: a "roles" base URL may not be empty' }),
    z.record(z.string(), RoleActions, {
      error: (iss) =>
        `invalid JSON: "roles" of base ${baseOf(iss.path)} must be an object mapping path patterns to actions`,
    }),
    {
      error: (iss) =>
        iss.code === 'invalid_key'
          ? 'invalid JSON: a "roles" base URL may not be empty'
          : 'invalid JSON: "roles" must be an object mapping base URLs to path patterns',
    },
  )
  .meta({
    id: 'TeamRoles',
    description:
      'Base URL → path pattern (starting with `/`, `*` matches one segment) → actions the members may take on ' +
      'resources under the base. Only bases whose document the caller governs (CONTRACT §4.8).',
  });

const members = z
  .array(z.string({ error: 'invalid JSON: "members" must be an array of strings' }), {
    error: (iss) =>
      iss.input === undefined
        ? 'invalid JSON: "members" property not set (an array of principals)'
        : 'invalid JSON: "members" must be an array of strings',
  })
  .meta({ description: 'Principals (`{issuer}#{sub}`, or e-mails, turned into ids); not teams' });

const teamShape = {
  isA: z.literal('Team', { error: 'invalid JSON: "isA" property not set to "Team"' }),
  members,
  name: z.string({ error: 'invalid JSON: "name" must be a string' }).optional(),
  roles: Roles.optional(),
};

export const NewTeam = z
  .looseObject(
    {
      ...teamShape,
      _permissions: z
        .looseObject(
          {},
          {
            error: (iss) =>
              iss.input === undefined || iss.input === null
                ? MISSING_PERMISSIONS
                : '_permissions must be a permissions document (a JSON object)',
          },
        )
        .meta({
          description:
            "The team's own permissions document (without `_subject`): who may read, update and delete the team. " +
            'Relative URLs are resolved against the new team.',
        }),
    },
    { error: 'invalid JSON: a team must be a JSON object' },
  )
  .meta({ id: 'NewTeam', description: 'A team to create' });

export const TeamRepresentation = z
  .looseObject({
    ...teamShape,
    self: z.string().meta({ description: 'The team: `/az-tm-{id}`' }),
    _permissions: z.string().meta({ description: "Where the team's permissions document is" }),
    _permissionsHeirs: z.string(),
    rolesGrantedOn: z
      .record(z.string(), z.number())
      .optional()
      .meta({
        description:
          "Set by the server: for each role base, the incarnation of the base's document the roles were granted on " +
          "(they decide only while that document is the base's)",
      }),
  })
  .meta({ id: 'Team', description: 'A team, with the links to its permissions' });

export const TeamList = z
  .object({ self: z.string(), contents: z.array(z.string()) })
  .meta({ id: 'TeamList', description: 'The teams a principal is a member of (their URLs)' });

export const TeamLeft = z
  .object({ team: z.string(), left: z.string() })
  .meta({ id: 'TeamLeft', description: 'The team, and the principal who left it' });

const RoleGrant = z
  .object({
    team: z.string().meta({ description: 'The team: `/az-tm-{id}`' }),
    name: z.string().optional(),
    members: z.array(z.string()),
    roles: Roles,
    grantedOn: z
      .number()
      .optional()
      .meta({ description: "The incarnation of the base's document they were granted on" }),
    live: z.boolean().meta({ description: "Whether that document is still the base's: only then do they decide" }),
  })
  .meta({ id: 'RoleGrant' });

export const RoleGrants = z
  .object({
    base: z.string().meta({ description: 'The base, without trailing slashes' }),
    document: z
      .object({
        incarnation: z.number().optional(),
        namespace: z.boolean(),
        governors: z.array(z.string()),
      })
      .nullable()
      .meta({ description: "The base's document now; null when it has none (every role on it is dead)" }),
    teams: z.array(RoleGrant),
  })
  .meta({ id: 'RoleGrants', description: 'Who holds roles on a base' });
