-- Meetings stored before their external participants' emails were looked up in HubSpot. A sync
-- stores each page as it comes and looks up the new emails of several pages in one HubSpot batch
-- (up to 100), then writes their links and deletes these rows in one transaction. A run that dies
-- in between leaves the rows here, and the next run looks those meetings' emails up first.
CREATE TABLE conversation_links_pending (
  account_id      uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  conversation_id uuid NOT NULL,
  PRIMARY KEY (account_id, conversation_id),
  FOREIGN KEY (account_id, conversation_id) REFERENCES conversations (account_id, id) ON DELETE CASCADE
);

-- The same rights as every table (002): row level security decides which rows.
GRANT SELECT, INSERT, UPDATE, DELETE ON conversation_links_pending TO fathom_app_tenant, fathom_app_system;
ALTER TABLE conversation_links_pending ENABLE ROW LEVEL SECURITY;
ALTER TABLE conversation_links_pending FORCE ROW LEVEL SECURITY;
CREATE POLICY conversation_links_pending_tenant ON conversation_links_pending TO fathom_app_tenant
  USING (account_id = app_account_id()) WITH CHECK (account_id = app_account_id());
CREATE POLICY conversation_links_pending_system ON conversation_links_pending TO fathom_app_system
  USING (true) WITH CHECK (true);
