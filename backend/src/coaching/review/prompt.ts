import { COACHING_CATEGORIES } from '../../../../hubspot-app/app/packages/ui-shared/coachingCategories.ts';
import type { PastCoaching } from '../suggestions.ts';

/** What the prompt carries besides the transcript: everything else stays in the database. */
export type PromptInput = {
  title: string;
  durationSeconds: number;
  transcript: string;
  transcriptCut: boolean;
  /** Up to three past coaching messages of the portal that worked, labelled P1… in the prompt. */
  pastCoaching: readonly PastCoaching[];
};

const PAST_BODY_CHARS = 600;

export const pastLabel = (index: number) => `P${index + 1}`;

const INSTRUCTIONS = `You review recorded sales calls for a sales manager who coaches the rep.
Answer only with JSON that follows the given schema.

- qualification: for each MEDDICC element (metrics, economic buyer, decision criteria, decision
  process, identified pain, champion, competition) say whether the call covered it ("covered"),
  touched it without pinning it down ("partly") or never raised it ("missing"), with the words of
  the call that show it as evidence (none for "missing").
- objections: each objection the customer raised, how the rep handled it, and whether well.
- risks: what in the call puts the deal at risk.
- coachingPoints: at most three, the most useful first; category is one of: ${COACHING_CATEGORIES.join(', ')}.
  If a point repeats one of the past coaching messages below, set echoesPastCoaching to its label
  (P1, P2, P3); else null.

Every "quote" must be copied word for word from one transcript line (no paraphrase, no "..."),
at least a few words long, and "seconds" must be the number of seconds shown on that line.
Findings without such a quote are discarded.`;

/** The chat messages of one review request. */
export function reviewMessages(input: PromptInput): Array<{ role: 'system' | 'user'; content: string }> {
  const past = input.pastCoaching.length
    ? input.pastCoaching
        .map((message, index) => {
          const body =
            message.body.length > PAST_BODY_CHARS ? `${message.body.slice(0, PAST_BODY_CHARS - 1)}…` : message.body;
          return `${pastLabel(index)} (${message.category}): ${body.replace(/\s+/g, ' ')}`;
        })
        .join('\n')
    : 'none';
  const minutes = Math.round(input.durationSeconds / 60);
  return [
    { role: 'system', content: INSTRUCTIONS },
    {
      role: 'user',
      content:
        `Past coaching of this team that the reps applied (it worked):\n${past}\n\n` +
        `Call: "${input.title}", ${minutes} minutes.` +
        (input.transcriptCut ? ' The transcript was shortened around its key moments.' : '') +
        `\nTranscript (one line per utterance: [time | seconds] speaker (side): words):\n${input.transcript}`,
    },
  ];
}
