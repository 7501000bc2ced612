-- Recomputes the card fields of the given calls from their participants, action items and
-- analysis. Every write path that changes one of those calls this, in the same transaction, after
-- its writes: the sync and webhook storage, re-analysis, privacy deletion. It runs with the
-- caller's rights (row level security applies: a tenant refreshes only its own calls) and writes
-- only rows whose fields changed. Returns the number of rows it rewrote.
--
-- Two writers of one call (a re-analysis and a sync) may race. The first statement locks the calls,
-- so the second statement's snapshot (a VOLATILE SQL function takes one per statement) is taken
-- after every earlier refresher of these calls committed: the last refresher sees all writes.
CREATE OR REPLACE FUNCTION refresh_conversation_cards(p_conversation_ids uuid[]) RETURNS integer
  LANGUAGE sql VOLATILE
  AS $$
    SELECT 1 FROM conversations WHERE id = ANY (p_conversation_ids) ORDER BY id FOR UPDATE;

    WITH fresh AS (
      SELECT c.account_id, c.id,
             coalesce((SELECT jsonb_agg(jsonb_build_object('name', p.name, 'email', p.email,
                                                           'isExternal', p.is_external)
                                        ORDER BY p.is_external DESC, p.participant_key)
                         FROM conversation_participants p
                        WHERE p.account_id = c.account_id AND p.conversation_id = c.id), '[]'::jsonb) AS participants,
             -- Open unless Fathom marked it completed.
             CASE WHEN jsonb_typeof(c.action_items) = 'array'
                  THEN (SELECT count(*)::int FROM jsonb_array_elements(c.action_items) ai
                         WHERE ai -> 'completed' IS DISTINCT FROM 'true'::jsonb)
                  ELSE 0 END AS open_action_items,
             (SELECT an.score FROM conversation_analyses an
               WHERE an.account_id = c.account_id AND an.conversation_id = c.id) AS score
        FROM conversations c
       WHERE c.id = ANY (p_conversation_ids)
    ), rewritten AS (
      UPDATE conversations c
         SET card_participants = f.participants, card_open_action_items = f.open_action_items, card_score = f.score
        FROM fresh f
       WHERE c.account_id = f.account_id AND c.id = f.id
         AND (c.card_participants, c.card_open_action_items, c.card_score)
             IS DISTINCT FROM (f.participants, f.open_action_items, f.score)
      RETURNING 1
    )
    SELECT count(*)::int FROM rewritten;
  $$;

REVOKE ALL ON FUNCTION refresh_conversation_cards(uuid[]) FROM PUBLIC, fathom_app_tenant, fathom_app_system;
GRANT EXECUTE ON FUNCTION refresh_conversation_cards(uuid[]) TO PUBLIC, fathom_app_tenant, fathom_app_system;
