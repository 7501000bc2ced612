// Bulk data for the card benchmarks, written with set-based SQL (INSERT … SELECT FROM
// generate_series) through the system role, with every constraint, index and trigger of the
// schema in place: a million calls load in minutes, not in hours of row-by-row inserts.
//
// Call number g (0, 1, 2, …) belongs to portal (g % portals) + 1 and is that portal's call
// n = g / portals. Its id is derived from g, so children are inserted without reading the calls
// back. Each call has a rep and a buyer as participants, an analysis, and CRM links: its buyer's
// contact (20 calls per contact), the portal's busiest contact 1 (every 10th call), and a deal
// (every 2nd call, 50 calls per deal). Transcripts are left out: the card list does not read them.
import { createHash } from 'node:crypto';
import type { Database } from '../../backend/src/db/database.ts';
import { withSystem } from '../../backend/src/db/tenancy.ts';

export const REPS_PER_PORTAL = 10;
export const CALLS_PER_CONTACT = 20;
/** The contact every 10th call of a portal is linked to: the busiest record, growing with the table. */
export const BUSIEST_CONTACT = 1;
const FIRST_CONTACT = 100;

const ADD_PORTALS = [
  `INSERT INTO accounts (hub_id, name) SELECT h, 'Bench portal ' || h FROM generate_series(1, $1::int) h`,
  `INSERT INTO users (account_id, hubspot_user_id, email, display_name)
   SELECT a.id, a.hub_id * 1000 + r, format('rep%s@portal%s.example.com', r, a.hub_id), format('Rep %s', r)
     FROM accounts a CROSS JOIN generate_series(1, $1::int) r`,
  `INSERT INTO user_roles (account_id, user_id, role)
   SELECT account_id, id, CASE WHEN hubspot_user_id % 1000 = 1 THEN 'admin' ELSE 'rep' END FROM users`,
];

// $1, $2: the range [from, to) of call numbers; $3: the number of portals.
const CALLS = `
  FROM generate_series($1::int, $2::int - 1) g
  JOIN accounts a ON a.hub_id = g % $3::int + 1`;
// An md5 with the version (4) and variant (8) digits of a random UUID, which the API validates.
const CALL_ID = `overlay(overlay(md5('bench-call-' || g) placing '4' from 13) placing '8' from 17)::uuid`;
const N = `(g / $3::int)`;

const ADD_CALLS = [
  `INSERT INTO conversations (id, account_id, external_id, title, url, started_at, duration_seconds,
                              recorded_by_user_id, recorded_by_email, recorded_by_name, summary_markdown, action_items)
   SELECT ${CALL_ID}, a.id, 'bench-' || g, 'Discovery call ' || g, 'https://fathom.video/calls/' || g,
          timestamptz '2026-07-01' - ${N} * interval '97 minutes', 600 + g % 3000,
          u.id, u.email, u.display_name, 'What was agreed on call ' || g || '.',
          '[{"text": "Send the proposal", "completed": false}, {"text": "Book the demo", "completed": true}]'
     ${CALLS}
     JOIN users u ON u.account_id = a.id AND u.hubspot_user_id = a.hub_id * 1000 + ${N} % ${REPS_PER_PORTAL} + 1`,
  `INSERT INTO conversation_participants (account_id, conversation_id, participant_key, name, email, is_external)
   SELECT a.id, ${CALL_ID}, p.email, p.name, p.email, p.external
     ${CALLS}
     CROSS JOIN LATERAL (VALUES
       (format('rep%s@portal%s.example.com', ${N} % ${REPS_PER_PORTAL} + 1, a.hub_id), format('Rep %s', ${N} % ${REPS_PER_PORTAL} + 1), false),
       (format('buyer%s@customer%s.example.com', ${FIRST_CONTACT} + ${N} / ${CALLS_PER_CONTACT}, a.hub_id),
        format('Buyer %s', ${FIRST_CONTACT} + ${N} / ${CALLS_PER_CONTACT}), true)
     ) AS p(email, name, external)`,
  // conversation_started_at is filled in by the link table's trigger, as in production.
  `INSERT INTO conversation_crm_links (account_id, conversation_id, object_type, object_id, source, matched_email)
   SELECT a.id, ${CALL_ID}, l.object_type, l.object_id, l.source, l.matched_email
     ${CALLS}
     CROSS JOIN LATERAL (VALUES
       ('contacts', ${FIRST_CONTACT} + ${N} / ${CALLS_PER_CONTACT}, 'email',
        format('buyer%s@customer%s.example.com', ${FIRST_CONTACT} + ${N} / ${CALLS_PER_CONTACT}, a.hub_id), true),
       ('contacts', ${BUSIEST_CONTACT}, 'fathom', NULL, ${N} % 10 = 0),
       ('deals', ${FIRST_CONTACT} + ${N} / 100, 'association', NULL, ${N} % 2 = 0)
     ) AS l(object_type, object_id, source, matched_email, linked)
    WHERE l.linked`,
  `INSERT INTO conversation_analyses (account_id, conversation_id, analyser_version, score, metrics)
   SELECT a.id, ${CALL_ID}, 'rules-1', (g * 37) % 101, jsonb_build_object('repTalkRatio', 0.3 + (g % 40) / 100.0, 'questions', g % 17)
     ${CALLS}`,
  // Coaching, sent by the admin (rep 1) to rep 6 on every 10th call (n % 10 = 5: one or two per contact).
  `INSERT INTO coaching_messages (account_id, conversation_id, author_user_id, rep_user_id, category, body, status, sent_at)
   SELECT a.id, ${CALL_ID}, admin.id, u.id, 'discovery', 'Ask one more open question before the demo (call ' || g || ').', 'sent', now()
     ${CALLS}
     JOIN users u ON u.account_id = a.id AND u.hubspot_user_id = a.hub_id * 1000 + ${N} % ${REPS_PER_PORTAL} + 1
     JOIN users admin ON admin.account_id = a.id AND admin.hubspot_user_id = a.hub_id * 1000 + 1
    WHERE ${N} % 10 = 5`,
];

/** Portals 1..count, each with REPS_PER_PORTAL users (rep 1 an admin, the others reps). */
export async function addPortals(db: Database, count: number): Promise<void> {
  await withSystem(db, async (tx) => {
    await tx.query(ADD_PORTALS[0]!, [count]);
    await tx.query(ADD_PORTALS[1]!, [REPS_PER_PORTAL]);
    await tx.query(ADD_PORTALS[2]!, []);
  });
  await db.exec('ANALYZE');
}

/**
 * Calls number `from` up to `to` (exclusive) with their participants, links and analyses (and the
 * statements of `also`, with the same parameters: bench:scale adds transcripts), in
 * transactions of `batch` calls, then VACUUM (ANALYZE), as autovacuum does on a production server
 * once that many rows were inserted: without it the visibility map is empty (every index-only scan
 * visits the heap) and the first reader of each new row sets its hint bits, dirtying pages that a
 * small shared_buffers then writes back. (This machine's PostgreSQL runs with autovacuum off.)
 */
export async function addCalls(
  db: Database,
  range: { portals: number; from: number; to: number; batch?: number; also?: string[] },
): Promise<void> {
  const batch = range.batch ?? 50_000;
  for (let from = range.from; from < range.to; from += batch) {
    const to = Math.min(from + batch, range.to);
    await withSystem(db, async (tx) => {
      for (const sql of [...ADD_CALLS, ...(range.also ?? [])]) await tx.query(sql, [from, to, range.portals]);
      // As every write path does: the card's precomputed fields, from the rows just written.
      await tx.query(
        `SELECT refresh_conversation_cards(array_agg(${CALL_ID})) FROM generate_series($1::int, $2::int - 1) g`,
        [from, to],
      );
    });
  }
  await db.exec('VACUUM (ANALYZE)');
}

export type CardRequest = { portalId: number; userId: number; userEmail: string; contactId: number };

/**
 * A card request of a random rep of a random portal for a random contact of that portal
 * (contacts weighted by their calls, so every contact has CALLS_PER_CONTACT of them).
 */
export function randomCardRequest(
  shape: { portals: number; calls: number },
  random: () => number = Math.random,
): CardRequest {
  const portalId = 1 + Math.floor(random() * shape.portals);
  const rep = 1 + Math.floor(random() * REPS_PER_PORTAL);
  const callsOfPortal = Math.floor(shape.calls / shape.portals);
  const n = Math.floor(random() * callsOfPortal);
  return {
    portalId,
    userId: portalId * 1000 + rep,
    userEmail: `rep${rep}@portal${portalId}.example.com`,
    contactId: FIRST_CONTACT + Math.floor(n / CALLS_PER_CONTACT),
  };
}

/** The id of call number g, as ADD_CALLS derives it in SQL (CALL_ID). */
export function callId(g: number): string {
  const hex = createHash('md5').update(`bench-call-${g}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20)}`;
}

/** The card routes bench:cards loads: the conversations list, one call's detail, the coaching card. */
export type CardRoute = 'conversations' | 'detail' | 'coaching';

/**
 * A card path as hubspot.fetch calls it (HubSpot adds portalId, userId and userEmail): for the
 * list and the coaching card the request's contact, for the detail one of the portal's calls.
 */
export function cardPath(
  request: CardRequest,
  route: CardRoute = 'conversations',
  shape?: { portals: number; calls: number },
  random: () => number = Math.random,
): string {
  const who = `portalId=${request.portalId}&userId=${request.userId}&userEmail=${request.userEmail}`;
  if (route === 'coaching') return `/api/cards/coaching?objectType=contacts&objectId=${request.contactId}&${who}`;
  if (route === 'detail') {
    const callsOfPortal = Math.floor(shape!.calls / shape!.portals);
    const g = Math.floor(random() * callsOfPortal) * shape!.portals + request.portalId - 1;
    return `/api/cards/conversations/${callId(g)}?${who}`;
  }
  return `/api/cards/conversations?objectType=contacts&objectId=${request.contactId}&${who}`;
}
