-- 4. A conversations card GET as ONE statement, sent outside any explicit transaction (so its
-- implicit transaction is the request's: no BEGIN, no COMMIT round trip). It enters the caller
-- exactly as withCaller does (app_enter_caller: same lookups, same refusals, read-only, role read
-- now) and returns his page under row level security as that tenant. Every row carries the caller
-- and the Fathom state; an empty page is one row whose id is NULL. Called only by readAsCaller()
-- in backend/src/db/tenancy.ts. Runs with the caller's rights, like app_enter_caller.
CREATE OR REPLACE FUNCTION app_read_conversations_card(
  p_hub_id bigint,
  p_hubspot_user_id bigint,
  p_email text,
  p_object_type text,
  p_object_id bigint,
  p_after_started_at timestamptz,
  p_after_id uuid,
  p_limit integer
) RETURNS TABLE (
  caller_account_id uuid, caller_user_id uuid, caller_role text, caller_fathom_status text,
  id uuid, title text, started_at timestamptz, duration_seconds integer, recorded_by_name text,
  recorded_by_email text, url text, score smallint, open_action_items integer, participants jsonb
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
        LEFT JOIN card_conversations_page(p_object_type, p_object_id, p_after_started_at, p_after_id, p_limit) AS p ON true;
  END $$;

REVOKE ALL ON FUNCTION app_read_conversations_card(bigint, bigint, text, text, bigint, timestamptz, uuid, integer) FROM PUBLIC, fathom_app_tenant, fathom_app_system;
