-- One call as the detail card shows it: the call, its analysis where row level security shows
-- it, and a bounded excerpt of the transcript (JSON, in order): the segments within p_context
-- positions of a segment that covers one of the first five key moments, or the opening lines when
-- there are none; at most p_lines of them.
CREATE OR REPLACE FUNCTION card_conversation_detail(p_id uuid, p_lines integer, p_context integer)
  RETURNS TABLE (
    id uuid, title text, started_at timestamptz, ended_at timestamptz, duration_seconds integer, url text,
    share_url text, recorded_by_user_id uuid, recorded_by_name text, recorded_by_email text,
    summary_markdown text, language text, action_items jsonb, participants jsonb, analyser_version text,
    score smallint, metrics jsonb, computed_at timestamptz, excerpt jsonb
  )
  LANGUAGE sql STABLE
  AS $$
  SELECT c.id, c.title, c.started_at, c.ended_at, c.duration_seconds, c.url, c.share_url, c.recorded_by_user_id,
         c.recorded_by_name, c.recorded_by_email, c.summary_markdown, c.language, c.action_items,
         c.card_participants, an.analyser_version, an.score, an.metrics, an.computed_at,
         (SELECT coalesce(jsonb_agg(jsonb_build_object('position', s.position, 'speaker', s.speaker_name,
                                                       'isExternal', s.is_external, 'text', s.text,
                                                       'startSeconds', s.start_seconds) ORDER BY s.position), '[]')
            FROM (SELECT s.position, s.speaker_name, s.is_external, s.text, s.start_seconds
                    FROM transcript_segments s
                   CROSS JOIN (SELECT conversation_key_moments(an.metrics, 5) AS seconds) AS moments
                   WHERE s.account_id = app_account_id() AND s.conversation_id = c.id
                     AND (cardinality(moments.seconds) = 0 AND s.position < p_lines
                          OR EXISTS (SELECT 1
                                       FROM unnest(moments.seconds) AS m(seconds)
                                      CROSS JOIN LATERAL (SELECT a.position FROM transcript_segments a
                                                           WHERE a.account_id = app_account_id()
                                                             AND a.conversation_id = c.id
                                                             AND a.start_seconds <= m.seconds
                                                           ORDER BY a.start_seconds DESC
                                                           LIMIT 1) AS anchor
                                      WHERE s.position BETWEEN anchor.position - p_context AND anchor.position + p_context))
                   ORDER BY s.position
                   LIMIT p_lines) AS s)
    FROM conversations c
    LEFT JOIN conversation_analyses an ON an.account_id = c.account_id AND an.conversation_id = c.id
   WHERE c.account_id = app_account_id() AND c.id = p_id
$$;

REVOKE ALL ON FUNCTION card_conversation_detail(uuid, integer, integer) FROM PUBLIC, fathom_app_tenant, fathom_app_system;
GRANT EXECUTE ON FUNCTION card_conversation_detail(uuid, integer, integer) TO PUBLIC, fathom_app_tenant, fathom_app_system;
