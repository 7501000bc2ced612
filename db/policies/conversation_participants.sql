CREATE POLICY conversation_participants_system ON conversation_participants TO fathom_app_system USING (true) WITH CHECK (true);
CREATE POLICY conversation_participants_tenant ON conversation_participants TO fathom_app_tenant
  USING (account_id = app_account_id()) WITH CHECK (account_id = app_account_id());
