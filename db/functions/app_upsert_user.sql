-- One way to create a user and give him a role (issue 15, item 3).
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
CREATE OR REPLACE FUNCTION app_upsert_user(
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

REVOKE ALL ON FUNCTION app_upsert_user(uuid, bigint, text, text, text, boolean) FROM PUBLIC, fathom_app_tenant, fathom_app_system;
GRANT EXECUTE ON FUNCTION app_upsert_user(uuid, bigint, text, text, text, boolean) TO fathom_app_tenant, fathom_app_system;
