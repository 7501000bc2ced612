CREATE POLICY transcript_segments_system ON transcript_segments TO fathom_app_system USING (true) WITH CHECK (true);
CREATE POLICY transcript_segments_tenant ON transcript_segments TO fathom_app_tenant
  USING (account_id = app_account_id()) WITH CHECK (account_id = app_account_id());
