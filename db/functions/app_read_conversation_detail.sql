CREATE OR REPLACE FUNCTION app_read_conversation_detail(
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
  score smallint, metrics jsonb, computed_at timestamptz, excerpt jsonb, ai_review jsonb
)
  LANGUAGE plpgsql VOLATILE
  AS $$
  DECLARE
    v_caller record;
  BEGIN
    SELECT * INTO v_caller FROM app_enter_caller(p_hub_id, p_hubspot_user_id, p_email, true);
    RETURN QUERY
      SELECT v_caller.caller_account_id, v_caller.caller_user_id, v_caller.caller_role, v_caller.caller_fathom_status, d.*,
             (SELECT jsonb_build_object('model', r.model, 'reviewedAt', r.reviewed_at, 'review', r.review)
                FROM call_reviews r
               WHERE r.account_id = app_account_id() AND r.conversation_id = d.id AND r.review IS NOT NULL)
        FROM (SELECT 1) AS one
        LEFT JOIN card_conversation_detail(p_id, p_lines, p_context) AS d ON true;
  END $$;

REVOKE ALL ON FUNCTION app_read_conversation_detail(bigint, bigint, text, uuid, integer, integer) FROM PUBLIC, fathom_app_tenant, fathom_app_system;
