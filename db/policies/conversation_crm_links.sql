CREATE POLICY conversation_crm_links_system ON conversation_crm_links TO fathom_app_system USING (true) WITH CHECK (true);
CREATE POLICY conversation_crm_links_tenant ON conversation_crm_links TO fathom_app_tenant
  USING (account_id = app_account_id()) WITH CHECK (account_id = app_account_id());
