import type { FathomClient } from '../client.ts';
import type { ConnectionRow, FathomDeps } from './types.ts';
import { connectionCredentials } from './credentials.ts';

/** Where Fathom posts the calls of a connection (routed back by webhookTarget.ts). */
export const webhookUrl = (publicBaseUrl: string, connectionId: string) =>
  `${publicBaseUrl}/webhooks/fathom/${connectionId}`;

const WEBHOOK_TRIGGERS = [
  'my_recordings',
  'shared_external_recordings',
  'my_shared_with_team_recordings',
  'shared_team_recordings',
] as const;

/** Registers a connection's webhook at Fathom; `wholeMeetings` asks for transcripts and summaries in it. */
export function registerFathomWebhook(
  client: FathomClient,
  target: { publicBaseUrl: string; connectionId: string; wholeMeetings: boolean },
) {
  return client.createWebhook({
    destinationUrl: webhookUrl(target.publicBaseUrl, target.connectionId),
    triggeredFor: [...WEBHOOK_TRIGGERS],
    includeTranscript: target.wholeMeetings,
    includeSummary: target.wholeMeetings,
    includeActionItems: true,
    includeCrmMatches: true,
  });
}

/** Best effort: deletes a connection's webhook at Fathom with that connection's own credentials. */
export async function deleteWebhookOf(deps: FathomDeps, row: ConnectionRow): Promise<void> {
  if (!row.webhook_id || (!row.api_key_enc && !row.access_token_enc) || !row.key_id) return;
  try {
    await deps.fathomClient(connectionCredentials(deps, row)).deleteWebhook(row.webhook_id);
  } catch (error) {
    deps.logger.warn(
      { accountId: row.account_id, err: { message: (error as Error).message } },
      'could not delete a Fathom webhook',
    );
  }
}
