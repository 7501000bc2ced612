import { z } from 'zod';
import { UpstreamFailed } from '../errors.ts';
import { postTokenForm } from '../oauth/tokenEndpoint.ts';

// What the client-credentials token may do: read the journal, read and create subscriptions.
const JOURNAL_SCOPES = [
  'developer.webhooks_journal.read',
  'developer.webhooks_journal.subscriptions.read',
  'developer.webhooks_journal.subscriptions.write',
];
// A token is renewed this long before HubSpot says it expires.
const MARGIN_MS = 60_000;

const tokenAnswer = z.looseObject({ access_token: z.string().min(1), expires_in: z.coerce.number().int().positive() });

export type JournalToken = {
  /** The app's client-credentials token, issued once and reused until shortly before it expires. */
  get(): Promise<string>;
  /** HubSpot refused the token (401): the next get() asks for a new one. */
  forget(): void;
};

/** The journal API acts for the app, not for a portal: a client-credentials token (2026-03 token endpoint). */
export function journalToken(options: {
  apiBase: string;
  clientId: string;
  clientSecret: string;
  fetch?: typeof fetch;
  now?: () => number;
}): JournalToken {
  const now = options.now ?? Date.now;
  let cached: { token: string; until: number } | undefined;
  return {
    async get() {
      if (cached && now() < cached.until) return cached.token;
      const answer = tokenAnswer.safeParse(
        await postTokenForm({
          provider: 'HubSpot',
          url: `${options.apiBase}/oauth/2026-03/token`,
          form: {
            grant_type: 'client_credentials',
            client_id: options.clientId,
            client_secret: options.clientSecret,
            scope: JOURNAL_SCOPES.join(' '),
          },
          what: 'issue a client-credentials token',
          ...(options.fetch ? { fetch: options.fetch } : {}),
        }),
      );
      if (!answer.success) throw new UpstreamFailed("HubSpot's client-credentials answer had an unexpected shape.");
      cached = { token: answer.data.access_token, until: now() + answer.data.expires_in * 1000 - MARGIN_MS };
      return cached.token;
    },
    forget() {
      cached = undefined;
    },
  };
}
