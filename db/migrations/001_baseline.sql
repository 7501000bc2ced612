-- The baseline: every table, index, role, grant and row the app starts with (the numbered
-- migrations 001-050 folded into one before anything was deployed). Functions, views, triggers and
-- policies are not here: each lives in its own file under db/functions, db/views, db/triggers and
-- db/policies, applied after the migrations (docs/data-model.md). From here on migrations are
-- append-only: a change to a table is a new numbered file, never an edit of this one.
--
-- The multi-tenant schema. Every tenant table carries account_id -> accounts(id) ON DELETE CASCADE,
-- and children reference their parent through (account_id, parent_id), so a row can never point
-- at another tenant's row.

-- Roles the application switches to inside a transaction (SET LOCAL ROLE). Neither owns a table
-- nor bypasses RLS. Roles are cluster-wide, so another database on the same server may already
-- have created them.
DO $$
BEGIN
  CREATE ROLE fathom_app_tenant NOLOGIN NOSUPERUSER NOBYPASSRLS;
EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
END $$;

DO $$
BEGIN
  CREATE ROLE fathom_app_system NOLOGIN NOSUPERUSER NOBYPASSRLS;
EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
END $$;

-- A non-superuser owner must be a member to SET ROLE; a superuser already may.
DO $$
BEGIN
  IF NOT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
    EXECUTE format('GRANT fathom_app_tenant, fathom_app_system TO %I', current_user);
  END IF;
END $$;

CREATE TABLE accounts (
  id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  hub_id         bigint NOT NULL UNIQUE CHECK (hub_id > 0),
  name           text,
  status         text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'uninstalled')),
  uninstalled_at timestamptz,
  purge_after    timestamptz,
  settings       jsonb NOT NULL DEFAULT '{}',
  created_at     timestamptz NOT NULL DEFAULT now(),
  updated_at     timestamptz NOT NULL DEFAULT now(),
  -- When the portal last installed (or reinstalled) the app. A journal uninstall event older than
  -- that belongs to an earlier installation and is ignored.
  installed_at   timestamptz NOT NULL DEFAULT now(),
  -- api_connections' Fathom status, copied here by a trigger so every user's cards show it
  -- without reading api_connections.
  fathom_status  text CHECK (fathom_status IN ('active', 'needs_reauth', 'revoked', 'error')),
  hublet         text CHECK (hublet ~ '^[a-z]{2,4}[0-9]{1,2}$')
);

CREATE TABLE users (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  account_id      uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  hubspot_user_id bigint,
  email           text NOT NULL CHECK (email = lower(email) AND email LIKE '%_@_%'),
  display_name    text,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  UNIQUE (account_id, id),
  UNIQUE (account_id, email),
  UNIQUE (account_id, hubspot_user_id)
);

CREATE TABLE user_roles (
  account_id      uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  user_id         uuid NOT NULL,
  role            text NOT NULL CHECK (role IN ('admin', 'manager', 'rep')),
  manager_user_id uuid,
  updated_at      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (account_id, user_id),
  FOREIGN KEY (account_id, user_id) REFERENCES users (account_id, id) ON DELETE CASCADE,
  FOREIGN KEY (account_id, manager_user_id) REFERENCES users (account_id, id) ON DELETE SET NULL (manager_user_id),
  CHECK (manager_user_id IS DISTINCT FROM user_id)
);
CREATE INDEX user_roles_manager_idx ON user_roles (account_id, manager_user_id) WHERE manager_user_id IS NOT NULL;

-- Credentials of one provider for one account. Secrets are AES-256-GCM ciphertexts made by the
-- backend; key_id names the key that sealed every *_enc column of the row.
CREATE TABLE api_connections (
  id                    uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  account_id            uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  provider              text NOT NULL CHECK (provider IN ('hubspot', 'fathom')),
  auth_type             text NOT NULL CHECK (auth_type IN ('oauth', 'api_key')),
  status                text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'needs_reauth', 'revoked', 'error')),
  key_id                text,
  access_token_enc      bytea,
  refresh_token_enc     bytea,
  api_key_enc           bytea,
  webhook_secret_enc    bytea,
  expires_at            timestamptz,
  scopes                text[] NOT NULL DEFAULT '{}',
  external_user_id      text,
  webhook_id            text,
  last_error            text,
  sync_cursor           text,
  backfill_since        timestamptz,
  backfill_completed_at timestamptz,
  last_synced_at        timestamptz,
  created_at            timestamptz NOT NULL DEFAULT now(),
  updated_at            timestamptz NOT NULL DEFAULT now(),
  UNIQUE (account_id, id),
  UNIQUE (account_id, provider),
  CHECK (key_id IS NOT NULL OR num_nonnulls(access_token_enc, refresh_token_enc, api_key_enc, webhook_secret_enc) = 0)
);

-- OAuth `state` values, stored as hashes. HubSpot install states exist before the account does,
-- so account_id is optional; Fathom connect states belong to an account and an admin.
CREATE TABLE oauth_states (
  id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  account_id   uuid REFERENCES accounts (id) ON DELETE CASCADE,
  user_id      uuid,
  provider     text NOT NULL CHECK (provider IN ('hubspot', 'fathom')),
  state_hash   text NOT NULL UNIQUE,
  browser_hash text,
  expires_at   timestamptz NOT NULL,
  consumed_at  timestamptz,
  created_at   timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (account_id, user_id) REFERENCES users (account_id, id) ON DELETE CASCADE,
  CHECK (provider = 'hubspot' OR account_id IS NOT NULL)
);
CREATE INDEX oauth_states_expiry_idx ON oauth_states (expires_at);

CREATE TABLE conversations (
  id                  uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  account_id          uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  provider            text NOT NULL DEFAULT 'fathom' CHECK (provider IN ('fathom')),
  external_id         text NOT NULL,
  title               text NOT NULL DEFAULT '',
  meeting_title       text,
  url                 text,
  share_url           text,
  started_at          timestamptz NOT NULL,
  ended_at            timestamptz,
  duration_seconds    integer NOT NULL DEFAULT 0 CHECK (duration_seconds >= 0),
  recorded_by_user_id uuid,
  recorded_by_email   text,
  recorded_by_name    text,
  summary_markdown    text,
  language            text,
  action_items        jsonb NOT NULL DEFAULT '[]',
  content_hash        text,
  created_at          timestamptz NOT NULL DEFAULT now(),
  updated_at          timestamptz NOT NULL DEFAULT now(),
  -- Full-text search for coaching suggestions (kept by the sync when it stores the segments).
  transcript_search   tsvector,
  -- What the conversations card shows beyond the call's own columns, kept true at write time by
  -- refresh_conversation_cards().
  card_participants      jsonb NOT NULL DEFAULT '[]',
  card_open_action_items integer NOT NULL DEFAULT 0,
  card_score             smallint,
  UNIQUE (account_id, id),
  UNIQUE (account_id, provider, external_id),
  FOREIGN KEY (account_id, recorded_by_user_id) REFERENCES users (account_id, id) ON DELETE SET NULL (recorded_by_user_id)
);
CREATE INDEX conversations_recent_idx ON conversations (account_id, started_at DESC, id DESC);
CREATE INDEX conversations_rep_idx ON conversations (account_id, recorded_by_user_id, started_at DESC);
CREATE INDEX conversations_transcript_search_idx ON conversations USING gin (transcript_search);

CREATE TABLE conversation_participants (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  account_id      uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  conversation_id uuid NOT NULL,
  -- lower(email) when known, else 'name:' || display name: one row per person per call
  participant_key text NOT NULL,
  name            text,
  email           text CHECK (email = lower(email)),
  is_external     boolean NOT NULL,
  UNIQUE (account_id, conversation_id, participant_key),
  FOREIGN KEY (account_id, conversation_id) REFERENCES conversations (account_id, id) ON DELETE CASCADE
);
CREATE INDEX conversation_participants_email_idx ON conversation_participants (account_id, email) WHERE email IS NOT NULL;

-- Which HubSpot records a conversation belongs to. The conversation_* columns copy what the card
-- list shows of the call (kept by the triggers of db/triggers), so the card query is one index
-- range scan with no join. matched_email: the participant email a link came from, so a HubSpot
-- GDPR delete of a contact removes that person's participant rows and transcript attribution too.
CREATE TABLE conversation_crm_links (
  id                      uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  account_id              uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  conversation_id         uuid NOT NULL,
  object_type             text NOT NULL CHECK (object_type IN ('contacts', 'deals', 'companies')),
  object_id               bigint NOT NULL CHECK (object_id > 0),
  source                  text NOT NULL CHECK (source IN ('fathom', 'email', 'association', 'manual')),
  conversation_started_at timestamptz NOT NULL,
  created_at              timestamptz NOT NULL DEFAULT now(),
  matched_email           text CHECK (matched_email = lower(matched_email)),
  conversation_title               text,
  conversation_duration_seconds    integer,
  conversation_recorded_by_user_id uuid,
  conversation_recorded_by_name    text,
  conversation_recorded_by_email   text,
  conversation_url                 text,
  conversation_score               smallint,
  conversation_open_action_items   integer,
  conversation_participants        jsonb,
  UNIQUE (account_id, conversation_id, object_type, object_id),
  FOREIGN KEY (account_id, conversation_id) REFERENCES conversations (account_id, id) ON DELETE CASCADE
);
CREATE INDEX conversation_crm_links_card_idx
  ON conversation_crm_links (account_id, object_type, object_id, conversation_started_at DESC, conversation_id DESC);
CREATE INDEX conversation_crm_links_contact_email_idx ON conversation_crm_links (account_id, matched_email) WHERE matched_email IS NOT NULL;

CREATE TABLE transcript_segments (
  id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  account_id      uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  conversation_id uuid NOT NULL,
  position        integer NOT NULL CHECK (position >= 0),
  speaker_name    text NOT NULL DEFAULT '',
  speaker_email   text,
  is_external     boolean,
  text            text NOT NULL,
  start_seconds   numeric(10, 3) CHECK (start_seconds >= 0),
  UNIQUE (account_id, conversation_id, position),
  FOREIGN KEY (account_id, conversation_id) REFERENCES conversations (account_id, id) ON DELETE CASCADE
);

CREATE TABLE conversation_analyses (
  id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  account_id       uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  conversation_id  uuid NOT NULL,
  analyser_version text NOT NULL,
  score            smallint CHECK (score BETWEEN 0 AND 100),
  metrics          jsonb NOT NULL,
  computed_at      timestamptz NOT NULL DEFAULT now(),
  UNIQUE (account_id, conversation_id),
  FOREIGN KEY (account_id, conversation_id) REFERENCES conversations (account_id, id) ON DELETE CASCADE
);

CREATE TABLE sync_logs (
  id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  account_id         uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  connection_id      uuid,
  kind               text NOT NULL CHECK (kind IN ('backfill', 'incremental', 'webhook')),
  status             text NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'succeeded', 'failed')),
  started_at         timestamptz NOT NULL DEFAULT now(),
  finished_at        timestamptz,
  pages              integer NOT NULL DEFAULT 0,
  meetings_new       integer NOT NULL DEFAULT 0,
  meetings_updated   integer NOT NULL DEFAULT 0,
  meetings_unchanged integer NOT NULL DEFAULT 0,
  errors             integer NOT NULL DEFAULT 0,
  error_messages     text[] NOT NULL DEFAULT '{}',
  job_id             text,
  FOREIGN KEY (account_id, connection_id) REFERENCES api_connections (account_id, id) ON DELETE SET NULL (connection_id),
  CHECK (status = 'running' OR finished_at IS NOT NULL)
);
CREATE INDEX sync_logs_recent_idx ON sync_logs (account_id, started_at DESC);

CREATE TABLE webhook_events (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  account_id    uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  connection_id uuid,
  provider      text NOT NULL CHECK (provider IN ('fathom', 'hubspot')),
  event_id      text NOT NULL,
  status        text NOT NULL DEFAULT 'received' CHECK (status IN ('received', 'processed', 'failed')),
  payload       jsonb,
  received_at   timestamptz NOT NULL DEFAULT now(),
  processed_at  timestamptz,
  UNIQUE (account_id, provider, event_id),
  FOREIGN KEY (account_id, connection_id) REFERENCES api_connections (account_id, id) ON DELETE SET NULL (connection_id)
);

CREATE TABLE coaching_messages (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  account_id      uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  conversation_id uuid NOT NULL,
  author_user_id  uuid NOT NULL,
  rep_user_id     uuid NOT NULL,
  category        text NOT NULL CHECK (category ~ '^[a-z][a-z_]{1,39}$'),
  body            text NOT NULL CHECK (length(body) BETWEEN 1 AND 5000),
  moment_seconds  integer CHECK (moment_seconds >= 0),
  status          text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'sent', 'acknowledged', 'dismissed')),
  sent_at         timestamptz,
  acknowledged_at timestamptz,
  dismissed_at    timestamptz,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  search          tsvector GENERATED ALWAYS AS (to_tsvector('english', category || ' ' || body)) STORED,
  -- hubspot.fetch retries a request once on a 5xx, so a card that creates coaching sends a key of
  -- its own: the same author sending the same key gets the message created the first time.
  client_key      text CHECK (client_key ~ '^[A-Za-z0-9_-]{8,64}$'),
  UNIQUE (account_id, id),
  FOREIGN KEY (account_id, conversation_id) REFERENCES conversations (account_id, id) ON DELETE CASCADE,
  FOREIGN KEY (account_id, author_user_id) REFERENCES users (account_id, id),
  FOREIGN KEY (account_id, rep_user_id) REFERENCES users (account_id, id)
);
CREATE INDEX coaching_messages_conversation_idx ON coaching_messages (account_id, conversation_id);
CREATE INDEX coaching_messages_rep_idx ON coaching_messages (account_id, rep_user_id, status);
CREATE INDEX coaching_messages_search_idx ON coaching_messages USING gin (search);
-- app_may_see_user looks a user up among the authors of messages too.
CREATE INDEX coaching_messages_author_idx ON coaching_messages (account_id, author_user_id);
CREATE UNIQUE INDEX coaching_messages_client_key_idx
  ON coaching_messages (account_id, author_user_id, client_key) WHERE client_key IS NOT NULL;

-- Every state change of a message: who moved it, from what, to what, when.
CREATE TABLE coaching_message_events (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  account_id    uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  message_id    uuid NOT NULL,
  from_status   text,
  to_status     text NOT NULL,
  actor_user_id uuid NOT NULL,
  at            timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (account_id, message_id) REFERENCES coaching_messages (account_id, id) ON DELETE CASCADE,
  FOREIGN KEY (account_id, actor_user_id) REFERENCES users (account_id, id)
);
CREATE INDEX coaching_message_events_message_idx ON coaching_message_events (account_id, message_id, at);

CREATE TABLE coaching_outcomes (
  id                  uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  account_id          uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  message_id          uuid NOT NULL,
  result              text NOT NULL CHECK (result IN ('applied', 'not_yet', 'not_applicable')),
  notes               text CHECK (length(notes) <= 5000),
  recorded_by_user_id uuid NOT NULL,
  metric_name         text,
  metric_before       double precision,
  metric_after        double precision,
  calls_before        integer,
  calls_after         integer,
  recorded_at         timestamptz NOT NULL DEFAULT now(),
  UNIQUE (account_id, message_id),
  FOREIGN KEY (account_id, message_id) REFERENCES coaching_messages (account_id, id) ON DELETE CASCADE,
  FOREIGN KEY (account_id, recorded_by_user_id) REFERENCES users (account_id, id)
);

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

-- The AI review of a call (issue 28): what an OpenAI-compatible model said about it, kept once per
-- call and transcript version, and the tokens each account spent on reviews per day. The portal's
-- consent lives in accounts.settings.ai ({ "enabled": true, "since": "<timestamptz>" }).
CREATE TABLE call_reviews (
  id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  account_id         uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  conversation_id    uuid NOT NULL,
  -- conversations.content_hash when the call was last looked at: a re-sync that changed nothing
  -- (same hash) is not looked at again; a changed hash is, and asks the model only when the
  -- transcript itself changed (transcript_version, a sha256 of the lines sent).
  content_hash       text,
  transcript_version text NOT NULL,
  status             text NOT NULL CHECK (status IN ('reviewed', 'retrying', 'failed')),
  model              text NOT NULL,
  review             jsonb,
  prompt_tokens      integer CHECK (prompt_tokens >= 0),
  completion_tokens  integer CHECK (completion_tokens >= 0),
  attempts           integer NOT NULL DEFAULT 1 CHECK (attempts >= 1),
  -- Why it failed, in our words (a status, a timeout, "not the schema"): never the model's text or the key.
  failure            text CHECK (length(failure) <= 200),
  reviewed_at        timestamptz NOT NULL DEFAULT now(),
  UNIQUE (account_id, conversation_id),
  FOREIGN KEY (account_id, conversation_id) REFERENCES conversations (account_id, id) ON DELETE CASCADE,
  CHECK (status <> 'reviewed' OR review IS NOT NULL)
);

CREATE TABLE ai_token_usage (
  account_id uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  day        date NOT NULL,
  tokens     bigint NOT NULL DEFAULT 0 CHECK (tokens >= 0),
  PRIMARY KEY (account_id, day)
);

-- Row level security on every tenant table, FORCED so that even the owning role is subject to it;
-- the policies are in db/policies.
--
--   fathom_app_tenant  card and settings requests: sees only app.account_id's rows, and for
--                      role-private data (coaching) only what the acting user's role allows.
--   fathom_app_system  the backend's own work across tenants (install, webhooks routing, the
--                      sync scheduler, purges): explicit, separate, and never used for a request
--                      made on behalf of a HubSpot user.
GRANT USAGE ON SCHEMA public TO fathom_app_tenant, fathom_app_system;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO fathom_app_tenant, fathom_app_system;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO fathom_app_tenant, fathom_app_system;
-- The ledgers of migrations and repeatables are the owner's alone.
REVOKE ALL ON schema_migrations, schema_repeatables FROM fathom_app_tenant, fathom_app_system;
-- The tenant role may update its own account row (policies accounts_tenant_admin_update and
-- accounts_tenant_backend_update), but only the columns the app changes for it: an admin's settings
-- (the trackers), the Fathom status a trigger copies from api_connections, and updated_at. The
-- hub id, the install status and the purge date are the system role's (install, uninstall, purge).
REVOKE UPDATE ON accounts FROM fathom_app_tenant;
GRANT UPDATE (settings, fathom_status, updated_at) ON accounts TO fathom_app_tenant;

DO $$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY[
    'accounts', 'users', 'user_roles', 'api_connections', 'oauth_states', 'conversations',
    'conversation_participants', 'conversation_crm_links', 'transcript_segments',
    'conversation_analyses', 'sync_logs', 'webhook_events', 'coaching_messages',
    'coaching_message_events', 'coaching_outcomes', 'conversation_links_pending', 'call_reviews',
    'ai_token_usage'
  ] LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
  END LOOP;
END $$;

-- HubSpot's app lifecycle events, read from its webhooks journal (2026-03 API): the poller's own
-- state, one row for the whole app (the journal is app-wide, not per portal): where it has read up
-- to, and the lifecycle subscriptions it made. Only the system role reads or writes it.
--
-- The poller never moves its offset past a file it did not understand. It remembers the entry that
-- fails and since when; after an hour of failures the entry goes to hubspot_journal_dead_letters
-- and the poller moves on. offset_published_at: when HubSpot published the entry the stored offset
-- names; a 404 on …/offset/{offset}/next means the offset expired only when that is older than the
-- journal's three days.
CREATE TABLE hubspot_journal_state (
  id                  boolean PRIMARY KEY DEFAULT true CHECK (id),
  journal_offset      text,
  subscribed_at       timestamptz,
  entries_read        bigint NOT NULL DEFAULT 0,
  last_polled_at      timestamptz,
  updated_at          timestamptz NOT NULL DEFAULT now(),
  offset_published_at timestamptz,
  failing_offset      text,
  failing_since       timestamptz,
  failing_reason      text
);
INSERT INTO hubspot_journal_state (id) VALUES (true);
REVOKE ALL ON hubspot_journal_state FROM fathom_app_tenant;
GRANT SELECT, UPDATE ON hubspot_journal_state TO fathom_app_system;

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

-- HubSpot's v3 signature stays valid for five minutes, so a signed write captured on the way could
-- be sent again within them. The signatures of signed non-GET requests are kept here (hashed) until
-- their five minutes are over, and a second use is refused, in every process on the database
-- (docs/security.md). The check runs before the caller is known: the rows belong to no tenant,
-- and only the system role reads or writes them.
CREATE TABLE signed_request_uses (
  signature_sha256 bytea PRIMARY KEY,
  expires_at       timestamptz NOT NULL
);
CREATE INDEX signed_request_uses_expires_at ON signed_request_uses (expires_at);
GRANT SELECT, INSERT, DELETE ON signed_request_uses TO fathom_app_system;
