CREATE POLICY sync_logs_system ON sync_logs TO fathom_app_system USING (true) WITH CHECK (true);
CREATE POLICY sync_logs_tenant ON sync_logs TO fathom_app_tenant
  USING (account_id = app_account_id()) WITH CHECK (account_id = app_account_id());
