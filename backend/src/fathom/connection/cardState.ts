import type { FathomState } from '../../../../hubspot-app/app/packages/ui-shared/types.ts';
import type { FathomStatus } from '../../db/tenancy.ts';

/** What a card says about the account's Fathom connection, from its status (accounts.fathom_status). */
export function fathomCardState(status: FathomStatus | string | null | undefined): FathomState {
  if (status === 'active') return 'connected';
  return status === 'needs_reauth' || status === 'error' ? 'needs_reauth' : 'not_connected';
}
