import type { FathomStatus } from '../db/tenancy.ts';

export type FathomCardState = 'connected' | 'needs_reauth' | 'not_connected';

/** What a card says about the account's Fathom connection, from its status (accounts.fathom_status). */
export function fathomCardState(status: FathomStatus | string | null | undefined): FathomCardState {
  if (status === 'active') return 'connected';
  return status === 'needs_reauth' || status === 'error' ? 'needs_reauth' : 'not_connected';
}
