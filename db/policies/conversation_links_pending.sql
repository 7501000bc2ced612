CREATE POLICY conversation_links_pending_tenant ON conversation_links_pending TO fathom_app_tenant
  USING (account_id = app_account_id()) WITH CHECK (account_id = app_account_id());
CREATE POLICY conversation_links_pending_system ON conversation_links_pending TO fathom_app_system
  USING (true) WITH CHECK (true);
