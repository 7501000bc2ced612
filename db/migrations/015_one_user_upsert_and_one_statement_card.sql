-- 1. One way to create a user and give him a role (issue 15, item 3).
--
-- Every path that meets a person (a signed request, the import from HubSpot's users list, the
-- recorder of a call an admin coaches, the install) calls app_upsert_user, so identities merge by
-- one rule:
--   - a row with this HubSpot user id is this user; HubSpot's current email replaces ours, unless
--     another row has it;
--   - else a row with this email and no HubSpot id (a Fathom recorder) is adopted: it gets the id;
--   - else a row with this email and ANOTHER HubSpot id is a conflict: nothing is written, and
--     the caller decides (HubSpot's users list may settle it, see users/emailConflict.ts; else a
--     409 that says what an admin can do);
--   - else he is created. Without a HubSpot id (a recorder known by email), the row with that
--     email is him.
-- A user without a role gets p_role; p_force_role sets it (and clears his manager) even when he has
-- one (the installing user becomes an admin).
--
-- Runs with the caller's rights: as fathom_app_system (app_enter_caller, the install) or as a
-- tenant admin (import, coaching), under that role's row level security.
CREATE FUNCTION app_upsert_user(
  p_account uuid,
  p_hubspot_user_id bigint,
  p_email text,
  p_display_name text DEFAULT NULL,
  p_role text DEFAULT 'rep',
  p_force_role boolean DEFAULT false
) RETURNS TABLE (upserted_user_id uuid, upserted_role text, outcome text, other_hubspot_user_id bigint)
  LANGUAGE plpgsql VOLATILE
  AS $$
  DECLARE
    v_user uuid;
    v_email text;
    v_role text;
    v_other bigint;
    v_outcome text := 'known';
  BEGIN
    FOR attempt IN 1..2 LOOP
      v_user := NULL;
      IF p_hubspot_user_id IS NOT NULL THEN
        SELECT u.id, u.email INTO v_user, v_email FROM users u
         WHERE u.account_id = p_account AND u.hubspot_user_id = p_hubspot_user_id;
      END IF;
      IF v_user IS NOT NULL THEN
        IF v_email IS DISTINCT FROM p_email
           AND NOT EXISTS (SELECT 1 FROM users o WHERE o.account_id = p_account AND o.email = p_email) THEN
          UPDATE users u SET email = p_email, updated_at = now() WHERE u.account_id = p_account AND u.id = v_user;
        END IF;
        EXIT;
      END IF;

      SELECT u.id, u.hubspot_user_id INTO v_user, v_other FROM users u
       WHERE u.account_id = p_account AND u.email = p_email;
      IF v_user IS NOT NULL THEN
        IF p_hubspot_user_id IS NULL THEN
          EXIT;
        END IF;
        IF v_other IS NOT NULL THEN
          RETURN QUERY SELECT NULL::uuid, NULL::text, 'conflict'::text, v_other;
          RETURN;
        END IF;
        UPDATE users u SET hubspot_user_id = p_hubspot_user_id, updated_at = now()
         WHERE u.account_id = p_account AND u.id = v_user AND u.hubspot_user_id IS NULL
        RETURNING u.id INTO v_user;
        IF v_user IS NOT NULL THEN
          v_outcome := 'adopted';
          EXIT;
        END IF;
        CONTINUE; -- a concurrent request adopted it first: look again
      END IF;

      INSERT INTO users (account_id, hubspot_user_id, email, display_name)
      VALUES (p_account, p_hubspot_user_id, p_email, p_display_name)
      ON CONFLICT DO NOTHING
      RETURNING id INTO v_user;
      IF v_user IS NOT NULL THEN
        v_outcome := 'created';
        EXIT;
      END IF;
      -- A concurrent first request created him (this statement sees its commit on the next look).
    END LOOP;
    IF v_user IS NULL THEN
      RAISE EXCEPTION 'could not create or find the user' USING ERRCODE = 'FA500';
    END IF;

    IF p_force_role THEN
      INSERT INTO user_roles (account_id, user_id, role) VALUES (p_account, v_user, p_role)
      ON CONFLICT (account_id, user_id) DO UPDATE SET role = EXCLUDED.role, manager_user_id = NULL, updated_at = now()
       WHERE user_roles.role IS DISTINCT FROM EXCLUDED.role OR user_roles.manager_user_id IS NOT NULL;
      v_role := p_role;
    ELSE
      SELECT r.role INTO v_role FROM user_roles r WHERE r.account_id = p_account AND r.user_id = v_user;
      IF v_role IS NULL THEN
        INSERT INTO user_roles (account_id, user_id, role) VALUES (p_account, v_user, p_role) ON CONFLICT DO NOTHING;
        SELECT r.role INTO v_role FROM user_roles r WHERE r.account_id = p_account AND r.user_id = v_user;
      END IF;
    END IF;
    RETURN QUERY SELECT v_user, v_role, v_outcome, NULL::bigint;
  END $$;

REVOKE ALL ON FUNCTION app_upsert_user(uuid, bigint, text, text, text, boolean) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION app_upsert_user(uuid, bigint, text, text, text, boolean) TO fathom_app_tenant, fathom_app_system;

-- 2. app_enter_caller (migration 009) with the user found or created by app_upsert_user. A known
-- user still costs three index lookups and writes nothing: the upsert runs only when the first
-- lookup misses, or when HubSpot's email for him changed. Now also returns the account's Fathom
-- state (the conversations card shows it), read in the same statement.
DROP FUNCTION app_enter_caller(bigint, bigint, text, boolean, text);
CREATE FUNCTION app_enter_caller(
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

REVOKE ALL ON FUNCTION app_enter_caller(bigint, bigint, text, boolean, text) FROM PUBLIC;

-- 3. The conversations card's page, written once: the tenant's list (below) and the one-statement
-- card read (4) both select from it. A plain SQL function that PostgreSQL inlines into the
-- calling query, so its plan is the query's own (bench:scale checks it: one range scan of
-- conversation_crm_links_card_idx plus primary-key lookups of the calls on the page).
-- The score is shown where app_may_see_call_analysis (the rule, migration 008) allows. That
-- function reads the viewer's role and the call again for every row; the cases it decides alone
-- are taken first, with the viewer's role read once per page: backend work and admins see every
-- score, anyone the calls he recorded; a call recorded by another known user is someone else's
-- performance to a rep; the rest (a manager, a recorder known by email only) asks the rule itself.
CREATE FUNCTION card_conversations_page(
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
  SELECT c.id, c.title, c.started_at, c.duration_seconds, c.recorded_by_name, c.recorded_by_email, c.url,
         CASE WHEN app_is_backend_work() OR (SELECT app_user_role()) = 'admin' OR c.recorded_by_user_id = app_user_id()
                   OR ((c.recorded_by_user_id IS NULL OR (SELECT app_user_role()) = 'manager')
                       AND app_may_see_call_analysis(c.id))
              THEN c.card_score END,
         c.card_open_action_items, c.card_participants
    FROM conversation_crm_links l
    JOIN conversations c ON c.account_id = l.account_id AND c.id = l.conversation_id
   WHERE l.account_id = app_account_id() AND l.object_type = p_object_type AND l.object_id = p_object_id
     AND (p_after_started_at IS NULL OR (l.conversation_started_at, l.conversation_id) < (p_after_started_at, p_after_id))
   ORDER BY l.conversation_started_at DESC, l.conversation_id DESC
   LIMIT p_limit
$$;
GRANT EXECUTE ON FUNCTION card_conversations_page(text, bigint, timestamptz, uuid, integer) TO fathom_app_tenant, fathom_app_system;

-- 4. A conversations card GET as ONE statement, sent outside any explicit transaction (so its
-- implicit transaction is the request's: no BEGIN, no COMMIT round trip). It enters the caller
-- exactly as withCaller does (app_enter_caller: same lookups, same refusals, read-only, role read
-- now) and returns his page under row level security as that tenant. Every row carries the caller
-- and the Fathom state; an empty page is one row whose id is NULL. Called only by readAsCaller()
-- in backend/src/db/tenancy.ts. Runs with the caller's rights, like app_enter_caller.
CREATE FUNCTION app_read_conversations_card(
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

REVOKE ALL ON FUNCTION app_read_conversations_card(bigint, bigint, text, text, bigint, timestamptz, uuid, integer) FROM PUBLIC;
