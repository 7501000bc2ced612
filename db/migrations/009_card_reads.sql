-- Card reads: one read-only transaction that resolves the caller and reads, and a card list that
-- aggregates nothing (see docs/cards.md).

-- 1. What the conversations card shows of a call beyond the call's own columns, kept true at write
--    time by refresh_conversation_cards(), so the card list is one index range scan of
--    conversation_crm_links plus primary-key lookups of conversations, with no join or aggregate.
ALTER TABLE conversations
  ADD COLUMN card_participants      jsonb NOT NULL DEFAULT '[]',
  ADD COLUMN card_open_action_items integer NOT NULL DEFAULT 0,
  ADD COLUMN card_score             smallint;

-- Recomputes the card fields of the given calls from their participants, action items and
-- analysis. Every write path that changes one of those calls this, in the same transaction, after
-- its writes: the sync and webhook storage, re-analysis, privacy deletion. It runs with the
-- caller's rights (row level security applies: a tenant refreshes only its own calls) and writes
-- only rows whose fields changed. Returns the number of rows it rewrote.
--
-- Two writers of one call (a re-analysis and a sync) may race. The first statement locks the calls,
-- so the second statement's snapshot (a VOLATILE SQL function takes one per statement) is taken
-- after every earlier refresher of these calls committed: the last refresher sees all writes.
CREATE FUNCTION refresh_conversation_cards(p_conversation_ids uuid[]) RETURNS integer
  LANGUAGE sql VOLATILE
  AS $$
    SELECT 1 FROM conversations WHERE id = ANY (p_conversation_ids) ORDER BY id FOR UPDATE;

    WITH fresh AS (
      SELECT c.account_id, c.id,
             coalesce((SELECT jsonb_agg(jsonb_build_object('name', p.name, 'email', p.email,
                                                           'isExternal', p.is_external)
                                        ORDER BY p.is_external DESC, p.participant_key)
                         FROM conversation_participants p
                        WHERE p.account_id = c.account_id AND p.conversation_id = c.id), '[]'::jsonb) AS participants,
             -- Open unless Fathom marked it completed.
             CASE WHEN jsonb_typeof(c.action_items) = 'array'
                  THEN (SELECT count(*)::int FROM jsonb_array_elements(c.action_items) ai
                         WHERE ai -> 'completed' IS DISTINCT FROM 'true'::jsonb)
                  ELSE 0 END AS open_action_items,
             (SELECT an.score FROM conversation_analyses an
               WHERE an.account_id = c.account_id AND an.conversation_id = c.id) AS score
        FROM conversations c
       WHERE c.id = ANY (p_conversation_ids)
    ), rewritten AS (
      UPDATE conversations c
         SET card_participants = f.participants, card_open_action_items = f.open_action_items, card_score = f.score
        FROM fresh f
       WHERE c.account_id = f.account_id AND c.id = f.id
         AND (c.card_participants, c.card_open_action_items, c.card_score)
             IS DISTINCT FROM (f.participants, f.open_action_items, f.score)
      RETURNING 1
    )
    SELECT count(*)::int FROM rewritten;
  $$;

GRANT EXECUTE ON FUNCTION refresh_conversation_cards(uuid[]) TO fathom_app_tenant, fathom_app_system;

-- The calls stored before this migration. Under forced RLS even the owner sees no rows, so the
-- backfill runs as the system role.
SET LOCAL ROLE fathom_app_system;
SELECT refresh_conversation_cards(array_agg(id)) FROM conversations;
RESET ROLE;

-- 2. The caller of a signed card or settings request, resolved and entered in one statement.
--
-- Called only by withCaller() in backend/src/db/tenancy.ts, as the first statement of the
-- request's transaction, by the connecting role (EXECUTE is not granted to the tenant role).
-- The account and the user are looked up before any tenant is set, so those lookups run as
-- fathom_app_system, the role the backend already uses for work that precedes a tenant; then the
-- transaction becomes the tenant (role, account, user: SET LOCAL semantics, as withTenant does)
-- and, for a read, read-only: any later INSERT, UPDATE or DELETE in it fails.
--
-- A known user costs three index lookups and writes nothing. A HubSpot user seen for the first
-- time is created as a rep (once: concurrent first requests meet on the unique keys), or adopts the
-- row that knows his email without a HubSpot id (a Fathom recorder). A known user whose email
-- changed in HubSpot gets it (once), unless another user has it.
--
-- Refusals are raised, so nothing else of the transaction runs:
--   FA404  the portal has no active install
--   FA403  the caller's role is not p_required_role
--   FA409  another HubSpot user of this portal has this email (DETAIL: that user's HubSpot id)
CREATE FUNCTION app_enter_caller(
  p_hub_id bigint,
  p_hubspot_user_id bigint,
  p_email text,
  p_read_only boolean,
  p_required_role text DEFAULT NULL
) RETURNS TABLE (caller_account_id uuid, caller_user_id uuid, caller_role text)
  LANGUAGE plpgsql VOLATILE
  AS $$
  DECLARE
    v_account uuid;
    v_user uuid;
    v_email text;
    v_role text;
    v_other bigint;
  BEGIN
    PERFORM set_config('role', 'fathom_app_system', true),
            set_config('app.account_id', '', true),
            set_config('app.user_id', '', true);

    SELECT a.id INTO v_account FROM accounts a WHERE a.hub_id = p_hub_id AND a.status = 'active';
    IF v_account IS NULL THEN
      RAISE EXCEPTION 'the portal has no active install' USING ERRCODE = 'FA404';
    END IF;

    SELECT u.id, u.email, r.role INTO v_user, v_email, v_role
      FROM users u
      LEFT JOIN user_roles r ON r.account_id = u.account_id AND r.user_id = u.id
     WHERE u.account_id = v_account AND u.hubspot_user_id = p_hubspot_user_id;

    IF v_user IS NULL THEN
      -- His first request: adopt the row that knows him by email only, else create him.
      UPDATE users u SET hubspot_user_id = p_hubspot_user_id, updated_at = now()
       WHERE u.account_id = v_account AND u.email = p_email AND u.hubspot_user_id IS NULL
      RETURNING u.id INTO v_user;
      IF v_user IS NULL THEN
        INSERT INTO users (account_id, hubspot_user_id, email) VALUES (v_account, p_hubspot_user_id, p_email)
        ON CONFLICT DO NOTHING
        RETURNING id INTO v_user;
      END IF;
      IF v_user IS NULL THEN
        -- A concurrent first request of his created him (this statement sees its commit), or the
        -- email belongs to another HubSpot user.
        SELECT u.id INTO v_user FROM users u WHERE u.account_id = v_account AND u.hubspot_user_id = p_hubspot_user_id;
        IF v_user IS NULL THEN
          SELECT u.hubspot_user_id INTO v_other FROM users u WHERE u.account_id = v_account AND u.email = p_email;
          RAISE EXCEPTION 'another HubSpot user of this portal has this email'
            USING ERRCODE = 'FA409', DETAIL = coalesce(v_other::text, '');
        END IF;
      END IF;
    ELSIF v_email IS DISTINCT FROM p_email
          AND NOT EXISTS (SELECT 1 FROM users o WHERE o.account_id = v_account AND o.email = p_email) THEN
      UPDATE users u SET email = p_email, updated_at = now() WHERE u.account_id = v_account AND u.id = v_user;
    END IF;

    IF v_role IS NULL THEN
      INSERT INTO user_roles (account_id, user_id, role) VALUES (v_account, v_user, 'rep') ON CONFLICT DO NOTHING;
      SELECT r.role INTO v_role FROM user_roles r WHERE r.account_id = v_account AND r.user_id = v_user;
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
    RETURN QUERY SELECT v_account, v_user, v_role;
  END $$;

REVOKE ALL ON FUNCTION app_enter_caller(bigint, bigint, text, boolean, text) FROM PUBLIC;
