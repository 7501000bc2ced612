-- Save and get the HubSpot and Fathom connection of the *current tenant*: the account comes from
-- the transaction's app.account_id (set by withTenant), never from "the first account". They run
-- with the caller's rights, so RLS applies to them as to any other query. Secrets arrive already
-- encrypted; the database never sees a plaintext token.

CREATE FUNCTION app_require_account_id() RETURNS uuid
  LANGUAGE plpgsql STABLE
  AS $$
  DECLARE
    v uuid := app_account_id();
  BEGIN
    IF v IS NULL THEN
      RAISE EXCEPTION 'no tenant is set for this transaction' USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN v;
  END $$;

CREATE FUNCTION save_hubspot_connection(
  p_key_id text,
  p_access_token_enc bytea,
  p_refresh_token_enc bytea,
  p_expires_at timestamptz,
  p_scopes text[],
  p_external_user_id text
) RETURNS api_connections
  LANGUAGE sql
  AS $$
    INSERT INTO api_connections AS c
      (account_id, provider, auth_type, status, key_id, access_token_enc, refresh_token_enc,
       expires_at, scopes, external_user_id, last_error)
    VALUES
      (app_require_account_id(), 'hubspot', 'oauth', 'active', p_key_id, p_access_token_enc,
       p_refresh_token_enc, p_expires_at, coalesce(p_scopes, '{}'), p_external_user_id, NULL)
    ON CONFLICT (account_id, provider) DO UPDATE SET
      auth_type = 'oauth', status = 'active', key_id = EXCLUDED.key_id,
      access_token_enc = EXCLUDED.access_token_enc, refresh_token_enc = EXCLUDED.refresh_token_enc,
      expires_at = EXCLUDED.expires_at, scopes = EXCLUDED.scopes,
      external_user_id = coalesce(EXCLUDED.external_user_id, c.external_user_id),
      last_error = NULL, updated_at = now()
    RETURNING *
  $$;

CREATE FUNCTION get_hubspot_connection() RETURNS SETOF api_connections
  LANGUAGE sql STABLE
  AS $$
    SELECT * FROM api_connections WHERE account_id = app_require_account_id() AND provider = 'hubspot'
  $$;

-- An API-key connection carries api_key_enc; an OAuth one the token pair. Saving replaces the
-- credentials and the webhook registration wholesale (a new key means a new webhook).
CREATE FUNCTION save_fathom_connection(
  p_auth_type text,
  p_key_id text,
  p_api_key_enc bytea,
  p_access_token_enc bytea,
  p_refresh_token_enc bytea,
  p_expires_at timestamptz,
  p_webhook_id text,
  p_webhook_secret_enc bytea,
  p_external_user_id text
) RETURNS api_connections
  LANGUAGE sql
  AS $$
    INSERT INTO api_connections AS c
      (account_id, provider, auth_type, status, key_id, api_key_enc, access_token_enc,
       refresh_token_enc, expires_at, webhook_id, webhook_secret_enc, external_user_id, last_error)
    VALUES
      (app_require_account_id(), 'fathom', p_auth_type, 'active', p_key_id, p_api_key_enc,
       p_access_token_enc, p_refresh_token_enc, p_expires_at, p_webhook_id, p_webhook_secret_enc,
       p_external_user_id, NULL)
    ON CONFLICT (account_id, provider) DO UPDATE SET
      auth_type = EXCLUDED.auth_type, status = 'active', key_id = EXCLUDED.key_id,
      api_key_enc = EXCLUDED.api_key_enc, access_token_enc = EXCLUDED.access_token_enc,
      refresh_token_enc = EXCLUDED.refresh_token_enc, expires_at = EXCLUDED.expires_at,
      webhook_id = EXCLUDED.webhook_id, webhook_secret_enc = EXCLUDED.webhook_secret_enc,
      external_user_id = EXCLUDED.external_user_id, last_error = NULL, updated_at = now()
    RETURNING *
  $$;

CREATE FUNCTION get_fathom_connection() RETURNS SETOF api_connections
  LANGUAGE sql STABLE
  AS $$
    SELECT * FROM api_connections WHERE account_id = app_require_account_id() AND provider = 'fathom'
  $$;

GRANT EXECUTE ON FUNCTION save_hubspot_connection(text, bytea, bytea, timestamptz, text[], text),
  get_hubspot_connection(),
  save_fathom_connection(text, text, bytea, bytea, bytea, timestamptz, text, bytea, text),
  get_fathom_connection()
  TO fathom_app_tenant, fathom_app_system;
