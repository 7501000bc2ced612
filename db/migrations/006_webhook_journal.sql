-- HubSpot's app lifecycle events, read from its webhooks journal (2026-03 API).
--
-- accounts.installed_at: when the portal last installed (or reinstalled) the app. A journal
-- uninstall event older than that belongs to an earlier installation and is ignored, so a journal
-- read late (or read again from its start) never uninstalls a portal that came back since.
ALTER TABLE accounts ADD COLUMN installed_at timestamptz NOT NULL DEFAULT now();

-- The journal poller's own state, one row for the whole app (the journal is app-wide, not per
-- portal): where it has read up to, and the lifecycle subscriptions it made. Only the system role
-- reads or writes it; it holds no tenant data.
CREATE TABLE hubspot_journal_state (
  id               boolean PRIMARY KEY DEFAULT true CHECK (id),
  journal_offset   text,
  subscribed_at    timestamptz,
  entries_read     bigint NOT NULL DEFAULT 0,
  last_polled_at   timestamptz,
  updated_at       timestamptz NOT NULL DEFAULT now()
);
INSERT INTO hubspot_journal_state (id) VALUES (true);

REVOKE ALL ON hubspot_journal_state FROM fathom_app_tenant;
GRANT SELECT, UPDATE ON hubspot_journal_state TO fathom_app_system;
