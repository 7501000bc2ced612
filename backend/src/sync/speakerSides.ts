import type { IncomingConversation } from './incoming.ts';

/**
 * Which side a transcript speaker is on (true = external/customer, false = our rep, null =
 * unknown). Fathom's transcript items do not say; the meeting's invitees do: matched by email,
 * else by display name.
 */
export function speakerSides(conversation: Pick<IncomingConversation, 'participants'>) {
  const byEmail = new Map<string, boolean>();
  const byName = new Map<string, boolean>();
  for (const participant of conversation.participants) {
    if (participant.email) byEmail.set(participant.email.toLowerCase(), participant.isExternal);
    if (participant.name) byName.set(participant.name, participant.isExternal);
  }
  return (segment: { speakerEmail: string | null; speakerName: string }): boolean | null =>
    (segment.speakerEmail ? byEmail.get(segment.speakerEmail.toLowerCase()) : undefined) ??
    byName.get(segment.speakerName) ??
    null;
}
