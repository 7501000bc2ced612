CREATE POLICY api_connections_system ON api_connections TO fathom_app_system USING (true) WITH CHECK (true);
CREATE POLICY api_connections_tenant ON api_connections TO fathom_app_tenant
  USING (account_id = app_account_id() AND (app_is_backend_work() OR app_user_role() = 'admin'))
  WITH CHECK (account_id = app_account_id() AND (app_is_backend_work() OR app_user_role() = 'admin'));
