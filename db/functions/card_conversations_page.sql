-- The conversations card's page from the links alone.
-- The score is shown where app_may_see_call_analysis allows, with the cases it decides alone taken
-- first; only a manager's view, or a call whose recorder is known by email only, reads further.
-- The viewer's role is read by a plain subquery, once per page: as app_user_role(), a SQL function
-- PostgreSQL cannot inline, it was planned anew on every execution (a third of the page's cost).
CREATE OR REPLACE FUNCTION card_conversations_page(
  p_object_type text,
  p_object_id bigint,
  p_after_started_at timestamptz,
  p_after_id uuid,
  p_limit integer
) RETURNS TABLE (
  id uuid, title text, started_at timestamptz, duration_seconds integer, recorded_by_name text,
  recorded_by_email text, url text, score smallint, open_action_items integer, participants jsonb
)
  LANGUAGE sql STABLE
  AS $$
  SELECT l.conversation_id, l.conversation_title, l.conversation_started_at, l.conversation_duration_seconds,
         l.conversation_recorded_by_name, l.conversation_recorded_by_email, l.conversation_url,
         CASE WHEN app_is_backend_work() OR viewer.role = 'admin' OR l.conversation_recorded_by_user_id = app_user_id()
                   OR ((l.conversation_recorded_by_user_id IS NULL OR viewer.role = 'manager')
                       AND app_may_see_call_analysis(l.conversation_id))
              THEN l.conversation_score END,
         l.conversation_open_action_items, l.conversation_participants
    FROM conversation_crm_links l
   CROSS JOIN (SELECT (SELECT r.role FROM user_roles r
                        WHERE r.account_id = app_account_id() AND r.user_id = app_user_id()) AS role) AS viewer
   WHERE l.account_id = app_account_id() AND l.object_type = p_object_type AND l.object_id = p_object_id
     AND (p_after_started_at IS NULL OR (l.conversation_started_at, l.conversation_id) < (p_after_started_at, p_after_id))
   ORDER BY l.conversation_started_at DESC, l.conversation_id DESC
   LIMIT p_limit
$$;

REVOKE ALL ON FUNCTION card_conversations_page(text, bigint, timestamptz, uuid, integer) FROM PUBLIC, fathom_app_tenant, fathom_app_system;
GRANT EXECUTE ON FUNCTION card_conversations_page(text, bigint, timestamptz, uuid, integer) TO PUBLIC, fathom_app_tenant, fathom_app_system;
