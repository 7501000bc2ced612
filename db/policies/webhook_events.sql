CREATE POLICY webhook_events_system ON webhook_events TO fathom_app_system USING (true) WITH CHECK (true);
CREATE POLICY webhook_events_tenant ON webhook_events TO fathom_app_tenant
  USING (account_id = app_account_id()) WITH CHECK (account_id = app_account_id());
