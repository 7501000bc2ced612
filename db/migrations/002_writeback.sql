-- Write-back to HubSpot (issue 27): what the app last wrote to each HubSpot record's fathom_*
-- properties, as a hash of the values. After each sync run or webhook the write-back job compares
-- what the record's calls say now with this hash and writes only the records that differ (a new
-- call, a privacy deletion, a merge, a re-analysis alike); a record that lost its last call is
-- cleared once and its row deleted. The portal's choice lives in accounts.settings.writeback
-- ({ "enabled", "includeScores", "properties": { "scores" } }).
CREATE TABLE crm_writeback_state (
  account_id  uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  object_type text NOT NULL CHECK (object_type IN ('contacts', 'deals', 'companies')),
  object_id   bigint NOT NULL CHECK (object_id > 0),
  values_hash text NOT NULL,
  written_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (account_id, object_type, object_id)
);
ALTER TABLE crm_writeback_state ENABLE ROW LEVEL SECURITY;
ALTER TABLE crm_writeback_state FORCE ROW LEVEL SECURITY;
GRANT SELECT, INSERT, UPDATE, DELETE ON crm_writeback_state TO fathom_app_tenant, fathom_app_system;
