-- The caller of a signed card or settings request, resolved and entered in one statement.
--
-- Called by withCaller() in backend/src/db/tenancy.ts, as the first statement of the request's
-- transaction, and by app_read_as_caller, by the connecting role (EXECUTE is not granted to the
-- app's roles). The account and the user are looked up before any tenant is set, so those lookups
-- run as fathom_app_system; then the transaction becomes the tenant (role, account, user: SET LOCAL
-- semantics, as withTenant does) and, for a read, read-only: any later write in it fails.
--
-- A known user costs three index lookups and writes nothing: app_upsert_user runs only when the
-- first lookup misses, or when HubSpot's email for him changed. Also returns the account's Fathom
-- state (the conversations card shows it).
--
-- Refusals are raised, so nothing else of the transaction runs:
--   FA404  the portal has no active install
--   FA403  the caller's role is not p_required_role
--   FA409  another HubSpot user of this portal has this email (DETAIL: that user's HubSpot id)
CREATE OR REPLACE FUNCTION app_enter_caller(
  p_hub_id bigint,
  p_hubspot_user_id bigint,
  p_email text,
  p_read_only boolean,
  p_required_role text DEFAULT NULL
) RETURNS TABLE (caller_account_id uuid, caller_user_id uuid, caller_role text, caller_fathom_status text)
  LANGUAGE plpgsql VOLATILE
  AS $$
  DECLARE
    v_account uuid;
    v_fathom text;
    v_user uuid;
    v_email text;
    v_role text;
    v_upsert record;
  BEGIN
    PERFORM set_config('role', 'fathom_app_system', true),
            set_config('app.account_id', '', true),
            set_config('app.user_id', '', true);

    SELECT a.id, a.fathom_status INTO v_account, v_fathom FROM accounts a WHERE a.hub_id = p_hub_id AND a.status = 'active';
    IF v_account IS NULL THEN
      RAISE EXCEPTION 'the portal has no active install' USING ERRCODE = 'FA404';
    END IF;

    SELECT u.id, u.email, r.role INTO v_user, v_email, v_role
      FROM users u
      LEFT JOIN user_roles r ON r.account_id = u.account_id AND r.user_id = u.id
     WHERE u.account_id = v_account AND u.hubspot_user_id = p_hubspot_user_id;

    IF v_user IS NULL OR v_role IS NULL OR v_email IS DISTINCT FROM p_email THEN
      SELECT * INTO v_upsert FROM app_upsert_user(v_account, p_hubspot_user_id, p_email);
      IF v_upsert.outcome = 'conflict' THEN
        RAISE EXCEPTION 'another HubSpot user of this portal has this email'
          USING ERRCODE = 'FA409', DETAIL = coalesce(v_upsert.other_hubspot_user_id::text, '');
      END IF;
      v_user := v_upsert.upserted_user_id;
      v_role := v_upsert.upserted_role;
    END IF;

    IF p_required_role IS NOT NULL AND v_role IS DISTINCT FROM p_required_role THEN
      RAISE EXCEPTION 'the caller is not %', p_required_role USING ERRCODE = 'FA403';
    END IF;

    PERFORM set_config('role', 'fathom_app_tenant', true),
            set_config('app.account_id', v_account::text, true),
            set_config('app.user_id', v_user::text, true);
    IF p_read_only THEN
      PERFORM set_config('transaction_read_only', 'on', true);
    END IF;
    RETURN QUERY SELECT v_account, v_user, v_role, v_fathom;
  END $$;

REVOKE ALL ON FUNCTION app_enter_caller(bigint, bigint, text, boolean, text) FROM PUBLIC, fathom_app_tenant, fathom_app_system;
