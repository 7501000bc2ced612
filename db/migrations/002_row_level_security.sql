-- Row level security on every tenant table, FORCED so that even the owning role is subject to it.
--
--   fathom_app_tenant  card and settings requests: sees only app.account_id's rows, and for
--                      role-private data (coaching) only what the acting user's role allows.
--   fathom_app_system  the backend's own work across tenants (install, webhooks routing, the
--                      sync scheduler, purges): explicit, separate, and never used for a request
--                      made on behalf of a HubSpot user.

GRANT USAGE ON SCHEMA public TO fathom_app_tenant, fathom_app_system;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO fathom_app_tenant, fathom_app_system;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO fathom_app_tenant, fathom_app_system;
-- The migrations ledger is the owner's alone.
REVOKE ALL ON schema_migrations FROM fathom_app_tenant, fathom_app_system;

ALTER TABLE accounts ENABLE ROW LEVEL SECURITY;
ALTER TABLE accounts FORCE ROW LEVEL SECURITY;
CREATE POLICY accounts_tenant_read ON accounts FOR SELECT TO fathom_app_tenant
  USING (id = app_account_id());
CREATE POLICY accounts_tenant_admin_update ON accounts FOR UPDATE TO fathom_app_tenant
  USING (id = app_account_id() AND app_user_role() = 'admin')
  WITH CHECK (id = app_account_id());
CREATE POLICY accounts_system ON accounts TO fathom_app_system USING (true) WITH CHECK (true);

-- Tables whose rows every user of the tenant may read and write (the API decides who may do what).
DO $$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY[
    'users', 'api_connections', 'oauth_states', 'conversations', 'conversation_participants',
    'conversation_crm_links', 'transcript_segments', 'conversation_analyses', 'synced_activities',
    'sync_logs', 'webhook_events'
  ] LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format(
      'CREATE POLICY %I ON %I TO fathom_app_tenant USING (account_id = app_account_id()) WITH CHECK (account_id = app_account_id())',
      t || '_tenant', t);
    EXECUTE format('CREATE POLICY %I ON %I TO fathom_app_system USING (true) WITH CHECK (true)', t || '_system', t);
  END LOOP;
END $$;

-- Roles: everyone in the tenant may read them; a new user may join only as a rep; only an admin
-- changes or removes a role.
ALTER TABLE user_roles ENABLE ROW LEVEL SECURITY;
ALTER TABLE user_roles FORCE ROW LEVEL SECURITY;
CREATE POLICY user_roles_tenant_read ON user_roles FOR SELECT TO fathom_app_tenant
  USING (account_id = app_account_id());
CREATE POLICY user_roles_tenant_insert ON user_roles FOR INSERT TO fathom_app_tenant
  WITH CHECK (account_id = app_account_id() AND (role = 'rep' OR app_user_role() = 'admin'));
CREATE POLICY user_roles_tenant_update ON user_roles FOR UPDATE TO fathom_app_tenant
  USING (account_id = app_account_id() AND app_user_role() = 'admin')
  WITH CHECK (account_id = app_account_id());
CREATE POLICY user_roles_tenant_delete ON user_roles FOR DELETE TO fathom_app_tenant
  USING (account_id = app_account_id() AND app_user_role() = 'admin');
CREATE POLICY user_roles_system ON user_roles TO fathom_app_system USING (true) WITH CHECK (true);

-- Coaching is role-private: an admin sees the account's messages; a manager the ones he wrote and
-- those to the reps he manages; a rep only messages addressed to him that were sent.
CREATE FUNCTION app_may_see_coaching(p_author uuid, p_rep uuid, p_status text) RETURNS boolean
  LANGUAGE sql STABLE
  AS $$
    SELECT CASE app_user_role()
      WHEN 'admin' THEN true
      WHEN 'manager' THEN p_author = app_user_id() OR p_rep = app_user_id() OR EXISTS (
        SELECT 1 FROM user_roles r
         WHERE r.account_id = app_account_id() AND r.user_id = p_rep AND r.manager_user_id = app_user_id())
      WHEN 'rep' THEN p_rep = app_user_id() AND p_status <> 'draft'
      ELSE false
    END
  $$;

ALTER TABLE coaching_messages ENABLE ROW LEVEL SECURITY;
ALTER TABLE coaching_messages FORCE ROW LEVEL SECURITY;
CREATE POLICY coaching_messages_tenant_read ON coaching_messages FOR SELECT TO fathom_app_tenant
  USING (account_id = app_account_id() AND app_may_see_coaching(author_user_id, rep_user_id, status));
CREATE POLICY coaching_messages_tenant_insert ON coaching_messages FOR INSERT TO fathom_app_tenant
  WITH CHECK (account_id = app_account_id() AND author_user_id = app_user_id()
              AND app_user_role() IN ('admin', 'manager'));
-- Updates are state transitions; the API checks which one is legal, the policy who may touch the row.
CREATE POLICY coaching_messages_tenant_update ON coaching_messages FOR UPDATE TO fathom_app_tenant
  USING (account_id = app_account_id() AND app_may_see_coaching(author_user_id, rep_user_id, status))
  WITH CHECK (account_id = app_account_id());
CREATE POLICY coaching_messages_tenant_delete ON coaching_messages FOR DELETE TO fathom_app_tenant
  USING (account_id = app_account_id() AND status = 'draft'
         AND (author_user_id = app_user_id() OR app_user_role() = 'admin'));
CREATE POLICY coaching_messages_system ON coaching_messages TO fathom_app_system USING (true) WITH CHECK (true);

-- A message's history and outcome are visible exactly when the message is (the subquery runs
-- under the message policies above).
ALTER TABLE coaching_message_events ENABLE ROW LEVEL SECURITY;
ALTER TABLE coaching_message_events FORCE ROW LEVEL SECURITY;
CREATE POLICY coaching_message_events_tenant_read ON coaching_message_events FOR SELECT TO fathom_app_tenant
  USING (account_id = app_account_id()
         AND EXISTS (SELECT 1 FROM coaching_messages m WHERE m.account_id = coaching_message_events.account_id AND m.id = message_id));
CREATE POLICY coaching_message_events_tenant_insert ON coaching_message_events FOR INSERT TO fathom_app_tenant
  WITH CHECK (account_id = app_account_id() AND actor_user_id = app_user_id()
              AND EXISTS (SELECT 1 FROM coaching_messages m WHERE m.account_id = coaching_message_events.account_id AND m.id = message_id));
CREATE POLICY coaching_message_events_system ON coaching_message_events TO fathom_app_system USING (true) WITH CHECK (true);

ALTER TABLE coaching_outcomes ENABLE ROW LEVEL SECURITY;
ALTER TABLE coaching_outcomes FORCE ROW LEVEL SECURITY;
CREATE POLICY coaching_outcomes_tenant_read ON coaching_outcomes FOR SELECT TO fathom_app_tenant
  USING (account_id = app_account_id()
         AND EXISTS (SELECT 1 FROM coaching_messages m WHERE m.account_id = coaching_outcomes.account_id AND m.id = message_id));
CREATE POLICY coaching_outcomes_tenant_write ON coaching_outcomes FOR INSERT TO fathom_app_tenant
  WITH CHECK (account_id = app_account_id() AND app_user_role() IN ('admin', 'manager')
              AND recorded_by_user_id = app_user_id()
              AND EXISTS (SELECT 1 FROM coaching_messages m WHERE m.account_id = coaching_outcomes.account_id AND m.id = message_id));
CREATE POLICY coaching_outcomes_tenant_update ON coaching_outcomes FOR UPDATE TO fathom_app_tenant
  USING (account_id = app_account_id() AND app_user_role() IN ('admin', 'manager')
         AND EXISTS (SELECT 1 FROM coaching_messages m WHERE m.account_id = coaching_outcomes.account_id AND m.id = message_id))
  WITH CHECK (account_id = app_account_id() AND recorded_by_user_id = app_user_id());
CREATE POLICY coaching_outcomes_system ON coaching_outcomes TO fathom_app_system USING (true) WITH CHECK (true);
