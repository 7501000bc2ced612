-- Saves the current tenant's HubSpot tokens, already encrypted by the backend (the database never
-- sees a plaintext token); the caller's rights, so row level security applies.
CREATE OR REPLACE FUNCTION save_hubspot_connection(
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

REVOKE ALL ON FUNCTION save_hubspot_connection(text, bytea, bytea, timestamptz, text[], text) FROM PUBLIC, fathom_app_tenant, fathom_app_system;
GRANT EXECUTE ON FUNCTION save_hubspot_connection(text, bytea, bytea, timestamptz, text[], text) TO PUBLIC, fathom_app_tenant, fathom_app_system;
