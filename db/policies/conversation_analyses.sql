CREATE POLICY conversation_analyses_system ON conversation_analyses TO fathom_app_system USING (true) WITH CHECK (true);
CREATE POLICY conversation_analyses_tenant_read ON conversation_analyses FOR SELECT TO fathom_app_tenant
  USING (account_id = app_account_id() AND app_may_see_call_analysis(conversation_id));
CREATE POLICY conversation_analyses_tenant_insert ON conversation_analyses FOR INSERT TO fathom_app_tenant
  WITH CHECK (account_id = app_account_id() AND (app_is_backend_work() OR app_user_role() = 'admin'));
CREATE POLICY conversation_analyses_tenant_update ON conversation_analyses FOR UPDATE TO fathom_app_tenant
  USING (account_id = app_account_id() AND (app_is_backend_work() OR app_user_role() = 'admin'))
  WITH CHECK (account_id = app_account_id());
CREATE POLICY conversation_analyses_tenant_delete ON conversation_analyses FOR DELETE TO fathom_app_tenant
  USING (account_id = app_account_id() AND (app_is_backend_work() OR app_user_role() = 'admin'));
