-- The HubSpot data centre ("hublet") a portal lives in, from the install's token information:
-- na1 (app.hubspot.com), eu1 (app-eu1.hubspot.com), … Links into HubSpot's own pages (the
-- connected-apps page) are built on the portal's domain. NULL: not known (installed before this
-- was read); such links use app.hubspot.com.
ALTER TABLE accounts ADD COLUMN hublet text CHECK (hublet ~ '^[a-z]{2,4}[0-9]{1,2}$');
