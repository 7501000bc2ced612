import { Forbidden, InvalidInput } from '../../errors.ts';
import { FathomAuthRejected } from '../errors.ts';
import type { Caller } from '../../users/caller.ts';
import { replaceFathomConnection } from './connection.ts';
import type { FathomDeps, NewFathomCredentials } from './types.ts';
import { credentialsOf } from './credentials.ts';
import { fathomStatus, type FathomStatus } from './status.ts';

/**
 * Connects (or replaces) the account's Fathom API key: checks it with Fathom, then replaces the
 * connection with it (replaceFathomConnection).
 */
export async function connectFathomApiKey(
  deps: FathomDeps,
  caller: Caller,
  input: { apiKey: string; backfillSince?: Date | undefined },
): Promise<FathomStatus> {
  if (caller.role !== 'admin') throw new Forbidden('Only admins connect Fathom.');
  const credentials: NewFathomCredentials = { kind: 'api_key', apiKey: input.apiKey };
  try {
    await deps.fathomClient(credentialsOf(credentials)).verifyCredentials();
  } catch (error) {
    if (error instanceof FathomAuthRejected) {
      throw new InvalidInput(`Fathom did not accept this API key${error.reason ? `: ${error.reason}` : '.'}`);
    }
    throw error;
  }
  await replaceFathomConnection(
    deps,
    { accountId: caller.accountId, userId: caller.userId },
    credentials,
    input.backfillSince,
  );
  return fathomStatus(deps.db, caller);
}
