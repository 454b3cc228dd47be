import { ConflictError, MAX_TEAMS_PER_MEMBER } from '@permissions/model';
import type { StoreTx } from '@permissions/store';

/**
 * Others may put a principal in at most MAX_TEAMS_PER_MEMBER teams (CONTRACT §4.10): every request he makes loads
 * all his teams. Only members newly added by someone else count against it; adding oneself is one's own choice.
 * Called inside the write: the count is taken under a lock per principal, so it holds at commit.
 */
export async function assertMembershipBound(
  tx: StoreTx,
  members: readonly string[],
  previousMembers: readonly string[],
  acting: string | null,
): Promise<void> {
  const added = members.filter((member) => !previousMembers.includes(member) && member !== acting);
  if (added.length === 0) return;
  const counts = await tx.countTeamsOfPrincipals(added);
  const full = added.filter((member) => (counts.get(member) ?? 0) >= MAX_TEAMS_PER_MEMBER);
  if (full.length > 0) {
    throw new ConflictError(
      `${full.join(', ')} ${full.length === 1 ? 'is' : 'are'} already in ${MAX_TEAMS_PER_MEMBER} teams, the most ` +
        `others may put a principal in (MAX_TEAMS_PER_MEMBER = ${MAX_TEAMS_PER_MEMBER}); only they can join more`,
      { limit: MAX_TEAMS_PER_MEMBER, members: full },
    );
  }
}
