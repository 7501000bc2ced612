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

REVOKE ALL ON signed_request_uses FROM fathom_app_tenant;
GRANT SELECT, INSERT, DELETE ON signed_request_uses TO fathom_app_system;
