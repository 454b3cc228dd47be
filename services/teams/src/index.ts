export * from './service';
export { newTeamUrl, TEAM_URL } from './team-id';
