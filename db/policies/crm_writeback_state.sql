-- The backend's own work for the tenant (the write-back job) reads and writes it; an admin may
-- read and clear it too (the removal of the app forgets what was written).
CREATE POLICY crm_writeback_state_tenant ON crm_writeback_state TO fathom_app_tenant
  USING (account_id = app_account_id() AND (app_is_backend_work() OR app_user_role() = 'admin'))
  WITH CHECK (account_id = app_account_id() AND (app_is_backend_work() OR app_user_role() = 'admin'));
CREATE POLICY crm_writeback_state_system ON crm_writeback_state TO fathom_app_system
  USING (true) WITH CHECK (true);
