CREATE POLICY coaching_message_events_tenant_read ON coaching_message_events FOR SELECT TO fathom_app_tenant
  USING (account_id = app_account_id()
         AND EXISTS (SELECT 1 FROM coaching_messages m WHERE m.account_id = coaching_message_events.account_id AND m.id = message_id));
CREATE POLICY coaching_message_events_system ON coaching_message_events TO fathom_app_system USING (true) WITH CHECK (true);
CREATE POLICY coaching_message_events_tenant_insert ON coaching_message_events FOR INSERT TO fathom_app_tenant
  WITH CHECK (account_id = app_account_id() AND actor_user_id = app_user_id()
              AND EXISTS (SELECT 1 FROM coaching_messages m
                           WHERE m.account_id = coaching_message_events.account_id AND m.id = message_id
                             AND m.status = coaching_message_events.to_status));
