-- 5. The two card GETs as one statement each, sent outside any explicit transaction, as
-- app_read_conversations_card (migration 015): every row carries the caller and the Fathom state;
-- nothing found is one row whose id is NULL. Called only by readAsCaller() in
-- backend/src/db/tenancy.ts. Run with the caller's rights, like app_enter_caller.
CREATE OR REPLACE FUNCTION app_read_coaching_card(
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

REVOKE ALL ON FUNCTION app_read_coaching_card(bigint, bigint, text, text, bigint, integer) FROM PUBLIC, fathom_app_tenant, fathom_app_system;
