-- The journal poller never moves its offset past a file it did not understand. It remembers the
-- entry that fails and since when; after an hour of failures the entry goes to
-- hubspot_journal_dead_letters (for the operators: an error in the log and a metric) and the poller
-- moves on, so one bad file cannot hold back every later uninstall until the journal forgets it.
--
-- offset_published_at: when HubSpot published the entry the stored offset names (the file's
-- publishedAt, or when it was read). A 404 on …/offset/{offset}/next means the offset expired only
-- when that is older than the journal's three days; before that it is an error to retry.
ALTER TABLE hubspot_journal_state
  ADD COLUMN offset_published_at timestamptz,
  ADD COLUMN failing_offset      text,
  ADD COLUMN failing_since       timestamptz,
  ADD COLUMN failing_reason      text;

-- Entries the poller gave up on; their events were not applied. Holds no tenant data (no file
-- content and no pre-signed URL: only the entry's offset and why its file was refused).
CREATE TABLE hubspot_journal_dead_letters (
  entry_offset     text PRIMARY KEY,
  reason           text NOT NULL,
  first_failed_at  timestamptz NOT NULL,
  dead_at          timestamptz NOT NULL DEFAULT now()
);

REVOKE ALL ON hubspot_journal_dead_letters FROM fathom_app_tenant;
GRANT SELECT, INSERT ON hubspot_journal_dead_letters TO fathom_app_system;
