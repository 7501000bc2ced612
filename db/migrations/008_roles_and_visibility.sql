-- Who may see and do what, as a second layer under the API (docs/who-sees-what.md).
--
-- A tenant transaction either acts for a HubSpot user (card and settings requests: app.user_id is
-- set, and that user's role decides) or is the backend's own work for one tenant (sync, token
-- refresh, webhooks: app.user_id is empty). Role predicates below apply to the first kind; the
-- second keeps the tenant-wide access it had, and still sees only its own tenant.

-- Tenant work of the backend itself, not on behalf of a user.
CREATE FUNCTION app_is_backend_work() RETURNS boolean
  LANGUAGE sql STABLE
  AS $$ SELECT app_account_id() IS NOT NULL AND app_user_id() IS NULL $$;

-- The acting user is p_user's manager (user_roles.manager_user_id).
CREATE FUNCTION app_manages(p_user uuid) RETURNS boolean
  LANGUAGE sql STABLE
  AS $$
    SELECT EXISTS (SELECT 1 FROM user_roles r
                    WHERE r.account_id = app_account_id() AND r.user_id = p_user AND r.manager_user_id = app_user_id())
  $$;

-- The acting user may coach p_rep: an admin anyone, a manager only the reps he manages, and
-- nobody himself.
CREATE FUNCTION app_may_coach(p_rep uuid) RETURNS boolean
  LANGUAGE sql STABLE
  AS $$
    SELECT coalesce(p_rep <> app_user_id()
                    AND (app_user_role() = 'admin' OR (app_user_role() = 'manager' AND app_manages(p_rep))), false)
  $$;

-- A message is visible to an admin, to its author, and once sent to the user it is addressed to
-- and to that user's manager. Drafts: author and admins only. Backend work sees no coaching.
CREATE OR REPLACE FUNCTION app_may_see_coaching(p_author uuid, p_rep uuid, p_status text) RETURNS boolean
  LANGUAGE sql STABLE
  AS $$
    SELECT coalesce(app_user_role() = 'admin' OR p_author = app_user_id()
                    OR (p_status <> 'draft' AND (p_rep = app_user_id() OR (app_user_role() = 'manager' AND app_manages(p_rep)))),
                    false)
  $$;

-- Performance data of a user (call scores and analyses, the trend): himself, his manager, admins.
CREATE FUNCTION app_may_see_performance_of(p_user uuid) RETURNS boolean
  LANGUAGE sql STABLE
  AS $$
    SELECT coalesce(app_is_backend_work() OR app_user_role() = 'admin' OR p_user = app_user_id()
                    OR (app_user_role() = 'manager' AND app_manages(p_user)), false)
  $$;

-- A call's analysis follows the person who recorded it (by link, else by the recorder's email).
CREATE FUNCTION app_may_see_call_analysis(p_conversation uuid) RETURNS boolean
  LANGUAGE sql STABLE
  AS $$
    SELECT app_is_backend_work() OR coalesce(app_user_role() = 'admin', false) OR EXISTS (
      SELECT 1 FROM conversations c
       WHERE c.account_id = app_account_id() AND c.id = p_conversation
         AND app_may_see_performance_of(coalesce(c.recorded_by_user_id,
               (SELECT u.id FROM users u WHERE u.account_id = c.account_id AND u.email = lower(c.recorded_by_email)))))
  $$;

-- A user's row (email, name, HubSpot id): admins and backend work all; anyone himself, his
-- manager, his reps, and the author and addressee of any coaching message he may see.
CREATE FUNCTION app_may_see_user(p_user uuid) RETURNS boolean
  LANGUAGE sql STABLE
  AS $$
    SELECT app_is_backend_work() OR coalesce(app_user_role() = 'admin', false) OR p_user = app_user_id()
        OR app_manages(p_user)
        OR EXISTS (SELECT 1 FROM user_roles r
                    WHERE r.account_id = app_account_id() AND r.user_id = app_user_id() AND r.manager_user_id = p_user)
        OR EXISTS (SELECT 1 FROM coaching_messages m
                    WHERE m.account_id = app_account_id() AND (m.author_user_id = p_user OR m.rep_user_id = p_user))
  $$;

-- app_may_see_user looks a user up among the authors of messages too.
CREATE INDEX coaching_messages_author_idx ON coaching_messages (account_id, author_user_id);

-- Users: read as above; written by admins (settings, import) and by backend work only. Callers
-- are created by the system role (resolveCaller); a call's unknown recorder is added by an admin
-- (a manager cannot coach someone who is nobody's rep yet, so he never needs to add one).
DROP POLICY users_tenant ON users;
CREATE POLICY users_tenant_read ON users FOR SELECT TO fathom_app_tenant
  USING (account_id = app_account_id() AND app_may_see_user(id));
CREATE POLICY users_tenant_insert ON users FOR INSERT TO fathom_app_tenant
  WITH CHECK (account_id = app_account_id() AND (app_is_backend_work() OR app_user_role() = 'admin'));
CREATE POLICY users_tenant_update ON users FOR UPDATE TO fathom_app_tenant
  USING (account_id = app_account_id() AND (app_is_backend_work() OR app_user_role() = 'admin'))
  WITH CHECK (account_id = app_account_id());
CREATE POLICY users_tenant_delete ON users FOR DELETE TO fathom_app_tenant
  USING (account_id = app_account_id() AND (app_is_backend_work() OR app_user_role() = 'admin'));

-- Credentials and OAuth states: admins and backend work only, reading included.
DROP POLICY api_connections_tenant ON api_connections;
CREATE POLICY api_connections_tenant ON api_connections TO fathom_app_tenant
  USING (account_id = app_account_id() AND (app_is_backend_work() OR app_user_role() = 'admin'))
  WITH CHECK (account_id = app_account_id() AND (app_is_backend_work() OR app_user_role() = 'admin'));
DROP POLICY oauth_states_tenant ON oauth_states;
CREATE POLICY oauth_states_tenant ON oauth_states TO fathom_app_tenant
  USING (account_id = app_account_id() AND (app_is_backend_work() OR app_user_role() = 'admin'))
  WITH CHECK (account_id = app_account_id() AND (app_is_backend_work() OR app_user_role() = 'admin'));

-- The cards show every user whether Fathom is connected, without reading api_connections: its
-- status is copied to the account row (readable by all of the tenant) whenever it changes.
ALTER TABLE accounts ADD COLUMN fathom_status text
  CHECK (fathom_status IN ('active', 'needs_reauth', 'revoked', 'error'));
CREATE POLICY accounts_tenant_backend_update ON accounts FOR UPDATE TO fathom_app_tenant
  USING (id = app_account_id() AND app_is_backend_work())
  WITH CHECK (id = app_account_id());

CREATE FUNCTION api_connections_publish_fathom_status() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
  BEGIN
    IF TG_OP = 'DELETE' THEN
      IF OLD.provider = 'fathom' THEN
        UPDATE accounts SET fathom_status = NULL WHERE id = OLD.account_id;
      END IF;
    ELSIF NEW.provider = 'fathom' THEN
      UPDATE accounts SET fathom_status = NEW.status WHERE id = NEW.account_id AND fathom_status IS DISTINCT FROM NEW.status;
    END IF;
    RETURN NULL;
  END $$;
CREATE TRIGGER api_connections_fathom_status
  AFTER INSERT OR UPDATE OF status, provider OR DELETE ON api_connections
  FOR EACH ROW EXECUTE FUNCTION api_connections_publish_fathom_status();

CREATE FUNCTION fathom_sync_status() RETURNS text
  LANGUAGE sql STABLE
  AS $$ SELECT fathom_status FROM accounts WHERE id = app_require_account_id() $$;
GRANT EXECUTE ON FUNCTION fathom_sync_status() TO fathom_app_tenant, fathom_app_system;

-- Analyses (the score and metrics of a call) follow the recorder; only backend work (the sync,
-- re-analysis) and admins write them.
DROP POLICY conversation_analyses_tenant ON conversation_analyses;
CREATE POLICY conversation_analyses_tenant_read ON conversation_analyses FOR SELECT TO fathom_app_tenant
  USING (account_id = app_account_id() AND app_may_see_call_analysis(conversation_id));
CREATE POLICY conversation_analyses_tenant_insert ON conversation_analyses FOR INSERT TO fathom_app_tenant
  WITH CHECK (account_id = app_account_id() AND (app_is_backend_work() OR app_user_role() = 'admin'));
CREATE POLICY conversation_analyses_tenant_update ON conversation_analyses FOR UPDATE TO fathom_app_tenant
  USING (account_id = app_account_id() AND (app_is_backend_work() OR app_user_role() = 'admin'))
  WITH CHECK (account_id = app_account_id());
CREATE POLICY conversation_analyses_tenant_delete ON conversation_analyses FOR DELETE TO fathom_app_tenant
  USING (account_id = app_account_id() AND (app_is_backend_work() OR app_user_role() = 'admin'));

-- Coaching. Writing: the author must be allowed to coach the addressee, and a message starts as a
-- draft. Touching a message: whoever may coach its addressee, or the addressee himself; which
-- move each of them may make is checked by the trigger below (a policy cannot see the old row).
DROP POLICY coaching_messages_tenant_insert ON coaching_messages;
CREATE POLICY coaching_messages_tenant_insert ON coaching_messages FOR INSERT TO fathom_app_tenant
  WITH CHECK (account_id = app_account_id() AND author_user_id = app_user_id() AND status = 'draft'
              AND app_may_coach(rep_user_id));
DROP POLICY coaching_messages_tenant_update ON coaching_messages;
CREATE POLICY coaching_messages_tenant_update ON coaching_messages FOR UPDATE TO fathom_app_tenant
  USING (account_id = app_account_id() AND app_may_see_coaching(author_user_id, rep_user_id, status)
         AND (app_may_coach(rep_user_id) OR rep_user_id = app_user_id()))
  WITH CHECK (account_id = app_account_id()
              AND (app_may_coach(rep_user_id) OR (rep_user_id = app_user_id() AND status = 'acknowledged')));

-- The workflow of docs/who-sees-what.md, for updates made on behalf of a user: draft → sent and
-- sent → draft (retract) by the author while he may coach the addressee; sent → dismissed by
-- whoever may coach the addressee; sent → acknowledged by the addressee. Call, author and
-- addressee never change; the text only in the author's own draft.
CREATE FUNCTION coaching_messages_guard() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
  DECLARE
    actor uuid := app_user_id();
  BEGIN
    IF actor IS NULL THEN
      RETURN NEW;
    END IF;
    IF (NEW.account_id, NEW.conversation_id, NEW.author_user_id, NEW.rep_user_id, NEW.created_at)
       IS DISTINCT FROM (OLD.account_id, OLD.conversation_id, OLD.author_user_id, OLD.rep_user_id, OLD.created_at) THEN
      RAISE EXCEPTION 'a coaching message keeps its call, author and addressee' USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF (NEW.category, NEW.body, NEW.moment_seconds) IS DISTINCT FROM (OLD.category, OLD.body, OLD.moment_seconds)
       AND NOT (OLD.status = 'draft' AND NEW.status = 'draft' AND actor = OLD.author_user_id) THEN
      RAISE EXCEPTION 'only its author edits a coaching message, and only while it is a draft'
        USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF NEW.status IS DISTINCT FROM OLD.status AND NOT (
         (OLD.status = 'draft' AND NEW.status = 'sent' AND actor = OLD.author_user_id AND app_may_coach(OLD.rep_user_id))
      OR (OLD.status = 'sent' AND NEW.status = 'draft' AND actor = OLD.author_user_id AND app_may_coach(OLD.rep_user_id))
      OR (OLD.status = 'sent' AND NEW.status = 'dismissed' AND app_may_coach(OLD.rep_user_id))
      OR (OLD.status = 'sent' AND NEW.status = 'acknowledged' AND actor = OLD.rep_user_id)
    ) THEN
      RAISE EXCEPTION 'this user may not move this coaching message from % to %', OLD.status, NEW.status
        USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
  END $$;
CREATE TRIGGER coaching_messages_guard
  BEFORE UPDATE ON coaching_messages
  FOR EACH ROW EXECUTE FUNCTION coaching_messages_guard();

-- A history entry records the state the message is now in, by the user who moved it there.
DROP POLICY coaching_message_events_tenant_insert ON coaching_message_events;
CREATE POLICY coaching_message_events_tenant_insert ON coaching_message_events FOR INSERT TO fathom_app_tenant
  WITH CHECK (account_id = app_account_id() AND actor_user_id = app_user_id()
              AND EXISTS (SELECT 1 FROM coaching_messages m
                           WHERE m.account_id = coaching_message_events.account_id AND m.id = message_id
                             AND m.status = coaching_message_events.to_status));

-- Outcomes: recorded on a sent message by whoever may coach its addressee.
DROP POLICY coaching_outcomes_tenant_write ON coaching_outcomes;
CREATE POLICY coaching_outcomes_tenant_write ON coaching_outcomes FOR INSERT TO fathom_app_tenant
  WITH CHECK (account_id = app_account_id() AND recorded_by_user_id = app_user_id()
              AND EXISTS (SELECT 1 FROM coaching_messages m
                           WHERE m.account_id = coaching_outcomes.account_id AND m.id = message_id
                             AND m.status <> 'draft' AND app_may_coach(m.rep_user_id)));
DROP POLICY coaching_outcomes_tenant_update ON coaching_outcomes;
CREATE POLICY coaching_outcomes_tenant_update ON coaching_outcomes FOR UPDATE TO fathom_app_tenant
  USING (account_id = app_account_id()
         AND EXISTS (SELECT 1 FROM coaching_messages m
                      WHERE m.account_id = coaching_outcomes.account_id AND m.id = message_id
                        AND m.status <> 'draft' AND app_may_coach(m.rep_user_id)))
  WITH CHECK (account_id = app_account_id() AND recorded_by_user_id = app_user_id());

-- Accounts that had a Fathom connection before this migration. Under forced RLS even the owner
-- sees no rows, so the backfill runs as the system role.
SET LOCAL ROLE fathom_app_system;
UPDATE accounts a SET fathom_status = c.status
  FROM api_connections c WHERE c.account_id = a.id AND c.provider = 'fathom';
RESET ROLE;
