CREATE POLICY ai_token_usage_tenant_read ON ai_token_usage FOR SELECT TO fathom_app_tenant
  USING (account_id = app_account_id());
CREATE POLICY ai_token_usage_tenant_insert ON ai_token_usage FOR INSERT TO fathom_app_tenant
  WITH CHECK (account_id = app_account_id() AND app_is_backend_work());
CREATE POLICY ai_token_usage_tenant_update ON ai_token_usage FOR UPDATE TO fathom_app_tenant
  USING (account_id = app_account_id() AND app_is_backend_work())
  WITH CHECK (account_id = app_account_id());
CREATE POLICY ai_token_usage_tenant_delete ON ai_token_usage FOR DELETE TO fathom_app_tenant
  USING (account_id = app_account_id() AND app_is_backend_work());
CREATE POLICY ai_token_usage_system ON ai_token_usage TO fathom_app_system USING (true) WITH CHECK (true);
