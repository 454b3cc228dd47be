import { accessMatrix, parentsOf, type AccessMatrix, type PermissionsDocument } from '@permissions/model';
import { teamPath, type Api } from './api';

/** One document of an inheritance chain as the signed-in user could read it. */
export interface ChainNode {
  subject: string;
  /** The API's status for it: 200, or 403/404 when it could not be read (then `doc` is null). */
  status: number;
  message: string;
  doc: PermissionsDocument | null;
  etag: string | null;
  parents: string[];
}

export interface Chain {
  subject: string;
  nodes: Map<string, ChainNode>;
  /** Ancestors not loaded because the chain is longer than the page reads. */
  truncated: boolean;
}

/** Past this many documents the page stops reading a chain (and says so) rather than flood the service. */
export const MAX_CHAIN_DOCUMENTS = 200;

/**
 * The resource's document and every ancestor the user may read, level by level (each level's parents in parallel),
 * telling `onProgress` how many were read so far.
 */
export async function loadChain(api: Api, subject: string, onProgress: (loaded: number) => void): Promise<Chain> {
  const nodes = new Map<string, ChainNode>();
  let level = [subject];
  let truncated = false;
  while (level.length > 0) {
    const room = MAX_CHAIN_DOCUMENTS - nodes.size;
    if (level.length > room) truncated = true;
    const batch = level.slice(0, Math.max(0, room));
    const replies = await Promise.all(batch.map((s) => api.document(s)));
    const next: string[] = [];
    batch.forEach((s, i) => {
      const reply = replies[i];
      const doc = reply.ok ? reply.body : null;
      const parents = doc ? parentsOf(doc) : [];
      nodes.set(s, { subject: s, status: reply.status, message: reply.message, doc, etag: reply.etag, parents });
      for (const parent of parents) if (!nodes.has(parent) && !next.includes(parent)) next.push(parent);
    });
    onProgress(nodes.size);
    level = next.filter((s) => !nodes.has(s));
  }
  return { subject, nodes, truncated };
}

/** Members of every team named in the chain's action maps that the user may read (others are left out). */
export async function loadTeamMembers(api: Api, chain: Chain): Promise<Record<string, string[]>> {
  const teams = new Set<string>();
  for (const node of chain.nodes.values()) {
    if (!node.doc) continue;
    for (const [key, map] of Object.entries(node.doc)) {
      if (key.startsWith('_') && key !== '_self' && key !== '_permissionsHeirs') continue;
      if (typeof map !== 'object' || map === null || Array.isArray(map)) continue;
      for (const list of Object.values(map as Record<string, unknown>)) {
        if (Array.isArray(list))
          for (const entry of list)
            if (typeof entry === 'string' && entry.startsWith('/az-tm-')) teams.add(teamPath(entry));
      }
    }
  }
  const members: Record<string, string[]> = {};
  await Promise.all(
    [...teams].map(async (team) => {
      const reply = await api.team(team);
      if (reply.ok && Array.isArray(reply.body.members)) members[team] = reply.body.members;
    }),
  );
  return members;
}

export function lookupOf(chain: Chain) {
  return (subject: string) => chain.nodes.get(subject)?.doc ?? undefined;
}

/** The action-map properties found on the chain (`_self` first), for the table's property selector. */
export function propertiesOf(chain: Chain): string[] {
  const found = new Set<string>(['_self']);
  for (const node of chain.nodes.values()) {
    if (!node.doc) continue;
    for (const [key, value] of Object.entries(node.doc)) {
      const isMap = typeof value === 'object' && value !== null && !Array.isArray(value);
      if (isMap && (key === '_permissionsHeirs' || !key.startsWith('_'))) found.add(key);
    }
  }
  return [...found];
}

export function matrixOf(chain: Chain, property: string, teamMembers: Record<string, string[]>): AccessMatrix {
  return accessMatrix(lookupOf(chain), chain.subject, { property, teamMembers });
}
