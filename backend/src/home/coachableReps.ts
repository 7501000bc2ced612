import type { Caller } from '../users/caller.ts';

/**
 * The reps a caller's home page covers, as SQL over `users u JOIN user_roles r`: an admin every
 * rep of the portal, a manager the reps he manages, a rep only himself. $1 is the caller's role,
 * $2 his user id; callers of this fragment pass them in that order.
 */
export const REPS_IN_VIEW = `
  (($1 = 'admin' AND r.role = 'rep')
   OR ($1 = 'manager' AND r.manager_user_id = $2::uuid)
   OR ($1 = 'rep' AND u.id = $2::uuid))`;

export const viewParams = (caller: Pick<Caller, 'role' | 'userId'>) => [caller.role, caller.userId];
