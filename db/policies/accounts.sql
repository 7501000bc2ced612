CREATE POLICY accounts_tenant_read ON accounts FOR SELECT TO fathom_app_tenant
  USING (id = app_account_id());
CREATE POLICY accounts_tenant_admin_update ON accounts FOR UPDATE TO fathom_app_tenant
  USING (id = app_account_id() AND app_user_role() = 'admin')
  WITH CHECK (id = app_account_id());
CREATE POLICY accounts_system ON accounts TO fathom_app_system USING (true) WITH CHECK (true);
CREATE POLICY accounts_tenant_backend_update ON accounts FOR UPDATE TO fathom_app_tenant
  USING (id = app_account_id() AND app_is_backend_work())
  WITH CHECK (id = app_account_id());
