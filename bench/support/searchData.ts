// What search across calls reads, for bench:scale: a short transcript per call (three lines) and
// the call's search index (title, summary, transcript, as backend/src/sync/searchText.ts indexes
// them). Every 2nd call talks about pricing (the common word); one call in RARE_EVERY mentions a
// zeppelin (the rare word). Same call numbering and ids as cardData.ts.

/** One call in this many holds the rare word. */
export const RARE_EVERY = 5_000;
export const COMMON_WORD = 'pricing';
export const RARE_WORD = 'zeppelin';

// $1, $2: the range [from, to) of call numbers; $3: the number of portals (as cardData.ts ADD_CALLS).
const CALLS = `
  FROM generate_series($1::int, $2::int - 1) g
  JOIN accounts a ON a.hub_id = g % $3::int + 1`;
const CALL_ID = `overlay(overlay(md5('bench-call-' || g) placing '4' from 13) placing '8' from 17)::uuid`;
const LINES = `(VALUES
    (0, 'Thanks for joining today, shall we start with your goals for the quarter?'),
    (1, CASE WHEN g % 2 = 0 THEN 'We discussed ${COMMON_WORD} and the proposal for call ' || g
             ELSE 'We walked through the roadmap for call ' || g END),
    (2, CASE WHEN g % ${RARE_EVERY} = 7 THEN 'They once sold advertising on a ${RARE_WORD}.'
             ELSE 'Next step: a follow-up call next week.' END)) AS l(position, text)`;

export const ADD_TRANSCRIPTS = [
  `INSERT INTO transcript_segments (account_id, conversation_id, position, speaker_name, text, start_seconds)
   SELECT a.id, ${CALL_ID}, l.position, 'Rep', l.text, 30 * l.position + g % 30
     ${CALLS} CROSS JOIN LATERAL ${LINES}`,
  `UPDATE conversations c
      SET transcript_search = to_tsvector('english', c.title || ' ' || coalesce(c.summary_markdown, '') || ' ' ||
                                          (SELECT string_agg(l.text, ' ' ORDER BY l.position) FROM ${LINES}))
     ${CALLS}
    WHERE c.id = ${CALL_ID}`,
];
