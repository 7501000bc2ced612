-- The coaching card and a call's detail in one statement each, as the conversations card since
-- migration 015 (docs/cards.md): the statement enters the caller (app_enter_caller: the same
-- lookups, refusals and read-only transaction as withCaller) and reads as that tenant under row
-- level security. They were BEGIN, the caller, one or two reads and COMMIT: four or five round
-- trips per card GET.

-- 1. A coaching message as the API shows it, written once: every query of messages selects from
-- this view (backend/src/coaching/messages.ts). security_invoker: row level security applies as
-- the reader, never as the view's owner. The author's and addressee's emails are looked up per
-- message: joined as tables, the users' policy hid how few rows a record has, and the planner read
-- every user of the portal first.
CREATE VIEW coaching_message_rows WITH (security_invoker = true) AS
  SELECT m.account_id, m.id, m.conversation_id, c.title AS conversation_title,
         c.started_at AS conversation_started_at, c.url AS conversation_url,
         m.status, m.category, m.body, m.moment_seconds,
         m.author_user_id, (SELECT u.email FROM users u WHERE u.account_id = m.account_id AND u.id = m.author_user_id) AS author_email,
         m.rep_user_id, (SELECT u.email FROM users u WHERE u.account_id = m.account_id AND u.id = m.rep_user_id) AS rep_email,
         m.created_at, m.sent_at, m.acknowledged_at, m.dismissed_at,
         o.result AS outcome_result, o.notes AS outcome_notes, o.recorded_at AS outcome_recorded_at,
         o.metric_name, o.metric_before, o.metric_after, o.calls_before, o.calls_after
    FROM coaching_messages m
    JOIN conversations c ON c.account_id = m.account_id AND c.id = m.conversation_id
    LEFT JOIN coaching_outcomes o ON o.account_id = m.account_id AND o.message_id = m.id;
GRANT SELECT ON coaching_message_rows TO fathom_app_tenant, fathom_app_system;

-- 2. The coaching of one record's calls, newest first: the coaching card's read, inlined into the
-- statements that select from it (listMessagesForRecord, app_read_coaching_card).
CREATE FUNCTION card_coaching_page(p_object_type text, p_object_id bigint, p_limit integer)
  RETURNS SETOF coaching_message_rows
  LANGUAGE sql STABLE
  AS $$
  SELECT m.*
    FROM coaching_message_rows m
   WHERE m.account_id = app_account_id()
     AND m.conversation_id IN (SELECT l.conversation_id FROM conversation_crm_links l
                                WHERE l.account_id = app_account_id() AND l.object_type = p_object_type
                                  AND l.object_id = p_object_id)
   ORDER BY m.created_at DESC, m.id DESC
   LIMIT p_limit
$$;
GRANT EXECUTE ON FUNCTION card_coaching_page(text, bigint, integer) TO fathom_app_tenant, fathom_app_system;

-- 3. The seconds into a call worth showing: the moments its analysis found under topics (a number,
-- or an object with a numeric "seconds"), each once, earliest first.
CREATE FUNCTION conversation_key_moments(p_metrics jsonb, p_max integer) RETURNS numeric[]
  LANGUAGE sql IMMUTABLE
  AS $$
  SELECT coalesce(array_agg(s ORDER BY s), '{}')
    FROM (SELECT DISTINCT s
            FROM (SELECT CASE jsonb_typeof(m)
                           WHEN 'number' THEN m::text::numeric
                           WHEN 'object' THEN CASE WHEN jsonb_typeof(m -> 'seconds') = 'number'
                                                   THEN (m ->> 'seconds')::numeric END
                         END AS s
                    FROM jsonb_array_elements(CASE WHEN jsonb_typeof(p_metrics -> 'topics') = 'array'
                                                   THEN p_metrics -> 'topics' ELSE '[]' END) AS t(topic)
                   CROSS JOIN LATERAL jsonb_array_elements(
                           CASE WHEN jsonb_typeof(t.topic -> 'moments') = 'array' THEN t.topic -> 'moments' ELSE '[]' END
                         ) AS mm(m)) AS found
           WHERE s IS NOT NULL
           ORDER BY s
           LIMIT p_max) AS firsts
$$;

-- 4. One call as the detail card shows it: the call, its analysis where row level security shows
-- it, and a bounded excerpt of the transcript (JSON, in order): the segments within p_context
-- positions of a segment that covers one of the first five key moments, or the opening lines when
-- there are none; at most p_lines of them.
CREATE FUNCTION card_conversation_detail(p_id uuid, p_lines integer, p_context integer)
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
GRANT EXECUTE ON FUNCTION card_conversation_detail(uuid, integer, integer) TO fathom_app_tenant, fathom_app_system;

-- 5. The two card GETs as one statement each, sent outside any explicit transaction, as
-- app_read_conversations_card (migration 015): every row carries the caller and the Fathom state;
-- nothing found is one row whose id is NULL. Called only by readAsCaller() in
-- backend/src/db/tenancy.ts. Run with the caller's rights, like app_enter_caller.
CREATE FUNCTION app_read_coaching_card(
  p_hub_id bigint,
  p_hubspot_user_id bigint,
  p_email text,
  p_object_type text,
  p_object_id bigint,
  p_limit integer
) RETURNS TABLE (
  caller_account_id uuid, caller_user_id uuid, caller_role text, caller_fathom_status text,
  account_id uuid, id uuid, conversation_id uuid, conversation_title text, conversation_started_at timestamptz,
  conversation_url text, status text, category text, body text, moment_seconds integer, author_user_id uuid,
  author_email text, rep_user_id uuid, rep_email text, created_at timestamptz, sent_at timestamptz,
  acknowledged_at timestamptz, dismissed_at timestamptz, outcome_result text, outcome_notes text,
  outcome_recorded_at timestamptz, metric_name text, metric_before double precision, metric_after double precision,
  calls_before integer, calls_after integer
)
  LANGUAGE plpgsql VOLATILE
  AS $$
  DECLARE
    v_caller record;
  BEGIN
    SELECT * INTO v_caller FROM app_enter_caller(p_hub_id, p_hubspot_user_id, p_email, true);
    RETURN QUERY
      SELECT v_caller.caller_account_id, v_caller.caller_user_id, v_caller.caller_role, v_caller.caller_fathom_status, p.*
        FROM (SELECT 1) AS one
        LEFT JOIN card_coaching_page(p_object_type, p_object_id, p_limit) AS p ON true;
  END $$;
REVOKE ALL ON FUNCTION app_read_coaching_card(bigint, bigint, text, text, bigint, integer) FROM PUBLIC;

CREATE FUNCTION app_read_conversation_detail(
  p_hub_id bigint,
  p_hubspot_user_id bigint,
  p_email text,
  p_id uuid,
  p_lines integer,
  p_context integer
) RETURNS TABLE (
  caller_account_id uuid, caller_user_id uuid, caller_role text, caller_fathom_status text,
  id uuid, title text, started_at timestamptz, ended_at timestamptz, duration_seconds integer, url text,
  share_url text, recorded_by_user_id uuid, recorded_by_name text, recorded_by_email text,
  summary_markdown text, language text, action_items jsonb, participants jsonb, analyser_version text,
  score smallint, metrics jsonb, computed_at timestamptz, excerpt jsonb
)
  LANGUAGE plpgsql VOLATILE
  AS $$
  DECLARE
    v_caller record;
  BEGIN
    SELECT * INTO v_caller FROM app_enter_caller(p_hub_id, p_hubspot_user_id, p_email, true);
    RETURN QUERY
      SELECT v_caller.caller_account_id, v_caller.caller_user_id, v_caller.caller_role, v_caller.caller_fathom_status, d.*
        FROM (SELECT 1) AS one
        LEFT JOIN card_conversation_detail(p_id, p_lines, p_context) AS d ON true;
  END $$;
REVOKE ALL ON FUNCTION app_read_conversation_detail(bigint, bigint, text, uuid, integer, integer) FROM PUBLIC;
