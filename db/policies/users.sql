CREATE POLICY users_system ON users TO fathom_app_system USING (true) WITH CHECK (true);
CREATE POLICY users_tenant_read ON users FOR SELECT TO fathom_app_tenant
  USING (account_id = app_account_id() AND app_may_see_user(id));
CREATE POLICY users_tenant_insert ON users FOR INSERT TO fathom_app_tenant
  WITH CHECK (account_id = app_account_id() AND (app_is_backend_work() OR app_user_role() = 'admin'));
CREATE POLICY users_tenant_update ON users FOR UPDATE TO fathom_app_tenant
  USING (account_id = app_account_id() AND (app_is_backend_work() OR app_user_role() = 'admin'))
  WITH CHECK (account_id = app_account_id());
CREATE POLICY users_tenant_delete ON users FOR DELETE TO fathom_app_tenant
  USING (account_id = app_account_id() AND (app_is_backend_work() OR app_user_role() = 'admin'));
