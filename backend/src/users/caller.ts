import type { Role } from '../../../hubspot-app/app/packages/ui-shared/types.ts';

export type { Role };

/** The HubSpot user a signed request was made for, resolved to this app's user and role. */
export type Caller = {
  accountId: string;
  hubId: number;
  userId: string;
  hubspotUserId: number;
  email: string;
  role: Role;
};

export const isCoach = (caller: Pick<Caller, 'role'>) => caller.role === 'admin' || caller.role === 'manager';
