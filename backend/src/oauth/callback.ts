import type { Database } from '../db/database.ts';
import { AppError } from '../errors.ts';
import { spendState, type OAuthProvider, type StateProblem } from './states.ts';

/** Why a browser flow failed, in words for the admin; the HTTP layer shows them on a page. */
export class FlowFailed extends AppError {
  readonly title: string;
  constructor(code: string, title: string, message: string, status = 400) {
    super(code, status, message);
    this.title = title;
  }
}

type Failure = new (title: string, message: string) => FlowFailed;

/** What a provider's redirect back carries, with the browser's cookie: input to check, never text to show. */
export type CallbackInput = {
  code?: string | undefined;
  state?: string | undefined;
  error?: string | undefined;
  browserNonce?: string | undefined;
};

/** The words one provider's flow says for each way its callback can fail. */
export type CallbackWords = {
  /** The provider's `error` values an admin can meet, in words; each shows under deniedTitle. */
  errors: Record<string, string>;
  deniedTitle: string;
  /** For any other `error`: nothing from the query string is ever shown back. */
  otherError: string;
  missingState: string;
  missingCode: string;
  states: Record<StateProblem, [title: string, message: string]>;
};

/**
 * Spends a token of the flow (see spendState), or fails with the provider's words for why not.
 * Answers whom it was issued for.
 */
export async function spendOrFail(
  db: Database,
  spend: { provider: OAuthProvider; purpose?: string; token: string | undefined; browserNonce: string | undefined },
  problems: CallbackWords['states'],
  Failed: Failure,
): Promise<{ accountId: string | null; userId: string | null; backfillSince: string | null }> {
  const spent = await spendState(db, spend);
  if (spent.problem) throw new Failed(...problems[spent.problem]);
  return spent;
}

/**
 * Checks a provider's redirect back in the order both flows need: the provider's error, a state
 * and a code present, then the state spent (known, unused, unexpired, same browser). Answers the
 * code and whom the state was issued for.
 */
export async function acceptCallback(
  db: Database,
  provider: OAuthProvider,
  input: CallbackInput,
  words: CallbackWords,
  Failed: Failure,
): Promise<{ code: string; accountId: string | null; userId: string | null; backfillSince: string | null }> {
  if (input.error) {
    const known = Object.hasOwn(words.errors, input.error) ? words.errors[input.error] : undefined;
    throw new Failed(words.deniedTitle, known ?? words.otherError);
  }
  if (!input.state) throw new Failed('Missing state', words.missingState);
  if (!input.code) throw new Failed('Missing code', words.missingCode);
  const code = input.code;
  const who = await spendOrFail(
    db,
    { provider, token: input.state, browserNonce: input.browserNonce },
    words.states,
    Failed,
  );
  return { code, ...who };
}
