-- Which participant email a CRM link came from, so a HubSpot GDPR delete of a contact can remove
-- that person's participant rows and transcript attribution too.
ALTER TABLE conversation_crm_links ADD COLUMN matched_email text CHECK (matched_email = lower(matched_email));
CREATE INDEX conversation_crm_links_contact_email_idx ON conversation_crm_links (account_id, matched_email) WHERE matched_email IS NOT NULL;
