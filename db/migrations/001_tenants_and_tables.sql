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

-- The tenant and the acting user of the current transaction, set only by withTenant().
CREATE FUNCTION app_account_id() RETURNS uuid
  LANGUAGE sql STABLE
  AS $$ SELECT nullif(current_setting('app.account_id', true), '')::uuid $$;

CREATE FUNCTION app_user_id() RETURNS uuid
  LANGUAGE sql STABLE
  AS $$ SELECT nullif(current_setting('app.user_id', true), '')::uuid $$;

CREATE TABLE accounts (
  id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  hub_id         bigint NOT NULL UNIQUE CHECK (hub_id > 0),
  name           text,
  status         text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'uninstalled')),
  uninstalled_at timestamptz,
  purge_after    timestamptz,
  settings       jsonb NOT NULL DEFAULT '{}',
  created_at     timestamptz NOT NULL DEFAULT now(),
  updated_at     timestamptz NOT NULL DEFAULT now()
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

-- The role of the acting user in the current tenant (NULL when none is set).
CREATE FUNCTION app_user_role() RETURNS text
  LANGUAGE sql STABLE
  AS $$
    SELECT role FROM user_roles WHERE account_id = app_account_id() AND user_id = app_user_id()
  $$;

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
  UNIQUE (account_id, id),
  UNIQUE (account_id, provider, external_id),
  FOREIGN KEY (account_id, recorded_by_user_id) REFERENCES users (account_id, id) ON DELETE SET NULL (recorded_by_user_id)
);
CREATE INDEX conversations_recent_idx ON conversations (account_id, started_at DESC, id DESC);
CREATE INDEX conversations_rep_idx ON conversations (account_id, recorded_by_user_id, started_at DESC);

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

-- Which HubSpot records a conversation belongs to. conversation_started_at copies the
-- conversation's start (kept by triggers) so the card query is one index range scan.
CREATE TABLE conversation_crm_links (
  id                      uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  account_id              uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  conversation_id         uuid NOT NULL,
  object_type             text NOT NULL CHECK (object_type IN ('contacts', 'deals', 'companies')),
  object_id               bigint NOT NULL CHECK (object_id > 0),
  source                  text NOT NULL CHECK (source IN ('fathom', 'email', 'association', 'manual')),
  conversation_started_at timestamptz NOT NULL,
  created_at              timestamptz NOT NULL DEFAULT now(),
  UNIQUE (account_id, conversation_id, object_type, object_id),
  FOREIGN KEY (account_id, conversation_id) REFERENCES conversations (account_id, id) ON DELETE CASCADE
);
CREATE INDEX conversation_crm_links_card_idx
  ON conversation_crm_links (account_id, object_type, object_id, conversation_started_at DESC, conversation_id DESC);

CREATE FUNCTION conversation_crm_links_copy_started_at() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
  BEGIN
    SELECT started_at INTO NEW.conversation_started_at
      FROM conversations WHERE account_id = NEW.account_id AND id = NEW.conversation_id;
    RETURN NEW;
  END $$;
CREATE TRIGGER conversation_crm_links_started_at
  BEFORE INSERT OR UPDATE OF conversation_id ON conversation_crm_links
  FOR EACH ROW EXECUTE FUNCTION conversation_crm_links_copy_started_at();

CREATE FUNCTION conversations_propagate_started_at() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
  BEGIN
    UPDATE conversation_crm_links SET conversation_started_at = NEW.started_at
     WHERE account_id = NEW.account_id AND conversation_id = NEW.id;
    RETURN NEW;
  END $$;
CREATE TRIGGER conversations_started_at_changed
  AFTER UPDATE OF started_at ON conversations
  FOR EACH ROW WHEN (OLD.started_at IS DISTINCT FROM NEW.started_at)
  EXECUTE FUNCTION conversations_propagate_started_at();

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
  end_seconds     numeric(10, 3) CHECK (end_seconds >= 0),
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

-- What this app wrote to HubSpot for a conversation (e.g. the meeting on the timeline).
CREATE TABLE synced_activities (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  account_id      uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  conversation_id uuid NOT NULL,
  activity_type   text NOT NULL CHECK (activity_type IN ('meeting')),
  external_id     text NOT NULL,
  content_hash    text,
  synced_at       timestamptz NOT NULL DEFAULT now(),
  UNIQUE (account_id, conversation_id, activity_type),
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
  UNIQUE (account_id, id),
  FOREIGN KEY (account_id, conversation_id) REFERENCES conversations (account_id, id) ON DELETE CASCADE,
  FOREIGN KEY (account_id, author_user_id) REFERENCES users (account_id, id),
  FOREIGN KEY (account_id, rep_user_id) REFERENCES users (account_id, id)
);
CREATE INDEX coaching_messages_conversation_idx ON coaching_messages (account_id, conversation_id);
CREATE INDEX coaching_messages_rep_idx ON coaching_messages (account_id, rep_user_id, status);

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
