-- The tenant role may update its own account row (policies accounts_tenant_admin_update and
-- accounts_tenant_backend_update), but only the columns the app changes for it: an admin's settings
-- (the trackers), the Fathom status a trigger copies from api_connections, and updated_at. The
-- hub id, the install status and the purge date are the system role's (install, uninstall, purge).
REVOKE UPDATE ON accounts FROM fathom_app_tenant;
GRANT UPDATE (settings, fathom_status, updated_at) ON accounts TO fathom_app_tenant;
