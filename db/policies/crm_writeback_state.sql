-- Only the backend's own work for the tenant (the write-back job) reads or writes it.
CREATE POLICY crm_writeback_state_tenant ON crm_writeback_state TO fathom_app_tenant
  USING (account_id = app_account_id() AND app_is_backend_work())
  WITH CHECK (account_id = app_account_id() AND app_is_backend_work());
CREATE POLICY crm_writeback_state_system ON crm_writeback_state TO fathom_app_system
  USING (true) WITH CHECK (true);
