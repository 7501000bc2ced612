-- A coaching message as the API shows it, written once: every query of messages selects from
-- this view (backend/src/coaching/messages.ts). security_invoker: row level security applies as
-- the reader, never as the view's owner. The author's and addressee's emails are looked up per
-- message: joined as tables, the users' policy hid how few rows a record has, and the planner read
-- every user of the portal first.
CREATE OR REPLACE VIEW coaching_message_rows WITH (security_invoker = true) AS
  SELECT m.account_id, m.id, m.conversation_id, c.title AS conversation_title,
         c.started_at AS conversation_started_at, c.url AS conversation_url,
         m.status, m.category, m.body, m.moment_seconds,
         m.author_user_id, (SELECT u.email FROM users u WHERE u.account_id = m.account_id AND u.id = m.author_user_id) AS author_email,
         m.rep_user_id, (SELECT u.email FROM users u WHERE u.account_id = m.account_id AND u.id = m.rep_user_id) AS rep_email,
         m.created_at, m.sent_at, m.acknowledged_at, m.dismissed_at,
         o.result AS outcome_result, o.notes AS outcome_notes, o.recorded_at AS outcome_recorded_at,
         o.metric_name, o.metric_before, o.metric_after, o.calls_before, o.calls_after
    FROM coaching_messages m
    JOIN conversations c ON c.account_id = m.account_id AND c.id = m.conversation_id
    LEFT JOIN coaching_outcomes o ON o.account_id = m.account_id AND o.message_id = m.id;

REVOKE ALL ON coaching_message_rows FROM PUBLIC, fathom_app_tenant, fathom_app_system;
GRANT SELECT ON coaching_message_rows TO fathom_app_tenant, fathom_app_system;
