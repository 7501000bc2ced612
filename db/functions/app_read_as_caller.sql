-- A card GET as ONE statement, sent outside any explicit transaction (its implicit transaction is
-- the request's: no BEGIN, no COMMIT round trip): the one definition of "enter the caller, then
-- read". It enters the caller exactly as withCaller does (app_enter_caller: the same lookups and
-- refusals, the role read now, the transaction read-only from here on), then reads p_read, one of
-- the card_* functions below called with p_args, under row level security as that tenant. The
-- read is a statement of its own, planned after the caller is entered (planned before, row level
-- security would be the connecting role's) and written out, not EXECUTEd, so PL/pgSQL keeps its
-- plan for the connection. Every row starts with the caller and the Fathom state; a read that
-- finds nothing is one row of them with the read's columns NULL.
--
-- The rows are records: the caller names the read's columns and types (readAsCaller in
-- backend/src/db/tenancy.ts, the only caller). p_args arrive as text, cast here to the read's
-- parameters. Runs with the caller's rights. A new one-statement read is a WHEN here.
CREATE OR REPLACE FUNCTION app_read_as_caller(
  p_hub_id bigint,
  p_hubspot_user_id bigint,
  p_email text,
  p_read text,
  p_args text[]
) RETURNS SETOF record
  LANGUAGE plpgsql VOLATILE
  AS $$
  DECLARE
    c record;
  BEGIN
    SELECT * INTO c FROM app_enter_caller(p_hub_id, p_hubspot_user_id, p_email, true);
    CASE p_read
      WHEN 'card_conversations_page' THEN
        RETURN QUERY SELECT c.caller_account_id, c.caller_user_id, c.caller_role, c.caller_fathom_status, r.*
          FROM (SELECT 1) AS one
          LEFT JOIN card_conversations_page(p_args[1], p_args[2]::bigint, p_args[3]::timestamptz, p_args[4]::uuid,
                                            p_args[5]::integer) AS r ON true;
      WHEN 'card_conversation_detail_reviewed' THEN
        RETURN QUERY SELECT c.caller_account_id, c.caller_user_id, c.caller_role, c.caller_fathom_status, r.*
          FROM (SELECT 1) AS one
          LEFT JOIN card_conversation_detail_reviewed(p_args[1]::uuid, p_args[2]::integer, p_args[3]::integer) AS r ON true;
      WHEN 'card_coaching_page' THEN
        RETURN QUERY SELECT c.caller_account_id, c.caller_user_id, c.caller_role, c.caller_fathom_status, r.*
          FROM (SELECT 1) AS one
          LEFT JOIN card_coaching_page(p_args[1], p_args[2]::bigint, p_args[3]::integer) AS r ON true;
      ELSE
        RAISE EXCEPTION 'app_read_as_caller has no read named %', p_read USING ERRCODE = 'invalid_parameter_value';
    END CASE;
  END $$;

REVOKE ALL ON FUNCTION app_read_as_caller(bigint, bigint, text, text, text[]) FROM PUBLIC, fathom_app_tenant, fathom_app_system;
