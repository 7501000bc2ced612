CREATE POLICY oauth_states_system ON oauth_states TO fathom_app_system USING (true) WITH CHECK (true);
CREATE POLICY oauth_states_tenant ON oauth_states TO fathom_app_tenant
  USING (account_id = app_account_id() AND (app_is_backend_work() OR app_user_role() = 'admin'))
  WITH CHECK (account_id = app_account_id() AND (app_is_backend_work() OR app_user_role() = 'admin'));
