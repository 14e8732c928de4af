/** What decides whether a member controls playback. */
export interface DjCheck {
  /** The server's DJ role; undefined when none is set (then everyone controls playback). */
  djRoleId: string | undefined;
  /** The member's role ids. */
  memberRoleIds: readonly string[];
  /** True for members with Manage Server (they always may). */
  managesServer: boolean;
}

/**
 * Whether a member may skip directly, stop, change the volume and edit the queue: everyone when
 * the server has no DJ role; else holders of the DJ role and members with Manage Server.
 * Everyone else may still vote to skip.
 */
export function isDj(check: DjCheck): boolean {
  if (check.djRoleId === undefined) return true;
  return check.managesServer || check.memberRoleIds.includes(check.djRoleId);
}
