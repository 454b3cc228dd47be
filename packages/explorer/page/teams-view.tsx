import { useEffect, useState } from 'preact/hooks';
import { TEAM_URL, teamPath, type Api, type Reply, type TeamBody } from './api';
import { describePrincipal } from './describe';
import type { Session } from './token';

interface Opened {
  url: string;
  team: Reply<TeamBody>;
  reach: Reply<{ contents: string[] }> | null;
}

/** A team's members and roles, and every resource its members reach through it. */
export function TeamsView(props: { api: Api; session: Session; onOpenResource: (subject: string) => void }) {
  const { api, session } = props;
  const [mine, setMine] = useState<string[] | null>(null);
  const [typed, setTyped] = useState('');
  const [opened, setOpened] = useState<Opened | null>(null);
  const [loading, setLoading] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    void api.teamsOf(session.principal).then((reply) => setMine(reply.ok ? reply.body.contents.map(teamPath) : []));
  }, [api, session.principal]);

  async function open(url: string) {
    const team = teamPath(url.trim());
    setError(null);
    if (!TEAM_URL.test(team)) return setError(`not a team URL: ${url} (teams are /az-tm-{id})`);
    setTyped(team);
    setOpened(null);
    setLoading(`Reading team ${team}…`);
    const reply = await api.team(team);
    setOpened({ url: team, team: reply, reach: null });
    if (reply.ok) {
      setLoading('Finding the resources its members reach…');
      const reach = await api.teamReach(team);
      setOpened({ url: team, team: reply, reach });
    }
    setLoading(null);
  }

  return (
    <div class="teams-view">
      <section class="panel" aria-labelledby="my-teams-title">
        <h2 id="my-teams-title">Your teams</h2>
        {mine === null ? <p role="status">Reading your teams…</p> : null}
        {mine && mine.length === 0 ? <p>You are a member of no team.</p> : null}
        {mine && mine.length > 0 ? (
          <ul class="plain">
            {mine.map((team) => (
              <li key={team}>
                <button type="button" class="link" onClick={() => void open(team)}>
                  {team}
                </button>
              </li>
            ))}
          </ul>
        ) : null}
        <form
          onSubmit={(event) => {
            event.preventDefault();
            void open(typed);
          }}
        >
          <label for="team">Team (/az-tm-…)</label>
          <div class="input-row">
            <input
              id="team"
              type="text"
              spellcheck={false}
              value={typed}
              onInput={(event) => setTyped((event.target as HTMLInputElement).value)}
            />
            <button type="submit">Open team</button>
          </div>
        </form>
        {error ? (
          <p class="error" role="alert">
            {error}
          </p>
        ) : null}
      </section>
      {loading ? (
        <p class="progress" role="status">
          <progress aria-label="Loading" /> {loading}
        </p>
      ) : null}
      {opened ? <TeamDetails opened={opened} onOpenResource={props.onOpenResource} /> : null}
    </div>
  );
}

function TeamDetails(props: { opened: Opened; onOpenResource: (subject: string) => void }) {
  const { url, team, reach } = props.opened;
  if (!team.ok) {
    return (
      <p class="error panel" role="alert">
        {url}: {team.message}
      </p>
    );
  }
  const roles = team.body.roles ?? {};
  return (
    <div class="columns">
      <section class="panel column" aria-labelledby="team-title">
        <h2 id="team-title">{team.body.name ?? url}</h2>
        <p>
          <code>{url}</code> · ETag <code>{team.etag}</code> ·{' '}
          <button type="button" class="link" onClick={() => props.onOpenResource(url)}>
            its permissions document
          </button>
        </p>
        <h3>Members ({team.body.members?.length ?? 0})</h3>
        <ul class="plain">
          {(team.body.members ?? []).map((member) => (
            <li key={member}>
              <code>{describePrincipal(member)}</code>
            </li>
          ))}
        </ul>
        <h3>Roles</h3>
        {Object.keys(roles).length === 0 ? (
          <p>No roles.</p>
        ) : (
          <table class="roles">
            <thead>
              <tr>
                <th scope="col">Base</th>
                <th scope="col">Path pattern</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {Object.entries(roles).flatMap(([base, patterns]) =>
                Object.entries(patterns).map(([pattern, actions]) => (
                  <tr key={`${base} ${pattern}`}>
                    <td>
                      <code>{base}</code>
                    </td>
                    <td>
                      <code>{pattern}</code>
                    </td>
                    <td>{actions.join(', ')}</td>
                  </tr>
                )),
              )}
            </tbody>
          </table>
        )}
      </section>
      <section class="panel column" aria-labelledby="reach-title">
        <h2 id="reach-title">Resources its members reach</h2>
        {reach === null ? <p role="status">Reading…</p> : null}
        {reach && !reach.ok ? (
          <p class="error">
            {reach.status}: {reach.message}
            {reach.status === 403 ? ' (listing what a team reaches needs the update action on the team)' : ''}
          </p>
        ) : null}
        {reach && reach.ok ? (
          reach.body.contents.length === 0 ? (
            <p>None: no document you may see names this team.</p>
          ) : (
            <ul class="plain">
              {reach.body.contents.map((subject) => (
                <li key={subject}>
                  <button type="button" class="link" onClick={() => props.onOpenResource(subject)}>
                    {subject}
                  </button>
                </li>
              ))}
            </ul>
          )
        ) : null}
      </section>
    </div>
  );
}
