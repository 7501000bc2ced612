-- How far a backfill has come, for the settings page's progress bar: the day it goes back to
-- (the admin's "Import calls since", null for the whole history) and the oldest call start it
-- reached so far (Fathom lists newest first, so this moves from now towards `since`).
ALTER TABLE sync_logs ADD COLUMN since timestamptz;
ALTER TABLE sync_logs ADD COLUMN reached_at timestamptz;

-- "Import calls since", chosen before "Connect with Fathom": carried by the flow's single-use
-- tokens (the confirmation, then the OAuth state) to the connection it makes.
ALTER TABLE oauth_states ADD COLUMN backfill_since date;
