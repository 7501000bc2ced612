-- A call whose shown fields change (an edited meeting, a re-analysis, a privacy deletion, its
-- recorder's user removed) rewrites its links' copies, in the same transaction.
CREATE OR REPLACE FUNCTION conversations_copy_to_links() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
  BEGIN
    UPDATE conversation_crm_links
       SET conversation_started_at = NEW.started_at, conversation_title = NEW.title,
           conversation_duration_seconds = NEW.duration_seconds,
           conversation_recorded_by_user_id = NEW.recorded_by_user_id,
           conversation_recorded_by_name = NEW.recorded_by_name,
           conversation_recorded_by_email = NEW.recorded_by_email, conversation_url = NEW.url,
           conversation_score = NEW.card_score, conversation_open_action_items = NEW.card_open_action_items,
           conversation_participants = NEW.card_participants
     WHERE account_id = NEW.account_id AND conversation_id = NEW.id;
    RETURN NEW;
  END $$;
