-- An API-key connection carries api_key_enc; an OAuth one the token pair. Saving replaces the
-- credentials and the webhook registration wholesale (a new key means a new webhook).
CREATE OR REPLACE FUNCTION save_fathom_connection(
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

REVOKE ALL ON FUNCTION save_fathom_connection(text, text, bytea, bytea, bytea, timestamptz, text, bytea, text) FROM PUBLIC, fathom_app_tenant, fathom_app_system;
GRANT EXECUTE ON FUNCTION save_fathom_connection(text, text, bytea, bytea, bytea, timestamptz, text, bytea, text) TO PUBLIC, fathom_app_tenant, fathom_app_system;
