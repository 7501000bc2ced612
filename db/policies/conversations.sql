CREATE POLICY conversations_system ON conversations TO fathom_app_system USING (true) WITH CHECK (true);
CREATE POLICY conversations_tenant ON conversations TO fathom_app_tenant
  USING (account_id = app_account_id()) WITH CHECK (account_id = app_account_id());
