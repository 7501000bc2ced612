CREATE POLICY call_reviews_tenant_read ON call_reviews FOR SELECT TO fathom_app_tenant
  USING (account_id = app_account_id() AND app_may_see_call_analysis(conversation_id));
CREATE POLICY call_reviews_tenant_insert ON call_reviews FOR INSERT TO fathom_app_tenant
  WITH CHECK (account_id = app_account_id() AND app_is_backend_work());
CREATE POLICY call_reviews_tenant_update ON call_reviews FOR UPDATE TO fathom_app_tenant
  USING (account_id = app_account_id() AND app_is_backend_work())
  WITH CHECK (account_id = app_account_id());
CREATE POLICY call_reviews_tenant_delete ON call_reviews FOR DELETE TO fathom_app_tenant
  USING (account_id = app_account_id() AND app_is_backend_work());
CREATE POLICY call_reviews_system ON call_reviews TO fathom_app_system USING (true) WITH CHECK (true);
