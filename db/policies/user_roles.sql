CREATE POLICY user_roles_tenant_read ON user_roles FOR SELECT TO fathom_app_tenant
  USING (account_id = app_account_id());
CREATE POLICY user_roles_tenant_insert ON user_roles FOR INSERT TO fathom_app_tenant
  WITH CHECK (account_id = app_account_id() AND (role = 'rep' OR app_user_role() = 'admin'));
CREATE POLICY user_roles_tenant_update ON user_roles FOR UPDATE TO fathom_app_tenant
  USING (account_id = app_account_id() AND app_user_role() = 'admin')
  WITH CHECK (account_id = app_account_id());
CREATE POLICY user_roles_tenant_delete ON user_roles FOR DELETE TO fathom_app_tenant
  USING (account_id = app_account_id() AND app_user_role() = 'admin');
CREATE POLICY user_roles_system ON user_roles TO fathom_app_system USING (true) WITH CHECK (true);
