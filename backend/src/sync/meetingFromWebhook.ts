import { hubIdOf } from '../accounts/hubIdOf.ts';
import type { FathomDeps } from '../fathom/connection/types.ts';
import { fathomClientOf } from '../fathom/connection/credentials.ts';
import { meetingSchema } from '../fathom/schemas.ts';
import { fromFathomMeeting } from './fromFathomMeeting.ts';
import type { IncomingConversation } from './incoming.ts';

/** Turns a stored Fathom webhook payload into a meeting of the account. */
export async function meetingFromWebhook(
  fathom: FathomDeps,
  accountId: string,
  payload: unknown,
): Promise<IncomingConversation> {
  const meeting = meetingSchema.parse(payload);
  if (!meeting.transcript) {
    // OAuth connections register webhooks without transcripts: fetch what the payload lacks.
    const { client } = await fathomClientOf(fathom, accountId);
    meeting.transcript = await client.getTranscript(meeting.recording_id);
    meeting.default_summary ??= await client.getSummary(meeting.recording_id);
  }
  return fromFathomMeeting(meeting, await hubIdOf(fathom.db, accountId));
}
