-- The workflow of docs/who-sees-what.md, for updates made on behalf of a user: draft → sent and
-- sent → draft (retract) by the author while he may coach the addressee; sent → dismissed by
-- whoever may coach the addressee; sent → acknowledged by the addressee. Call, author and
-- addressee never change; the text only in the author's own draft.
CREATE OR REPLACE FUNCTION coaching_messages_guard() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
  DECLARE
    actor uuid := app_user_id();
  BEGIN
    IF actor IS NULL THEN
      RETURN NEW;
    END IF;
    IF (NEW.account_id, NEW.conversation_id, NEW.author_user_id, NEW.rep_user_id, NEW.created_at)
       IS DISTINCT FROM (OLD.account_id, OLD.conversation_id, OLD.author_user_id, OLD.rep_user_id, OLD.created_at) THEN
      RAISE EXCEPTION 'a coaching message keeps its call, author and addressee' USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF (NEW.category, NEW.body, NEW.moment_seconds) IS DISTINCT FROM (OLD.category, OLD.body, OLD.moment_seconds)
       AND NOT (OLD.status = 'draft' AND NEW.status = 'draft' AND actor = OLD.author_user_id) THEN
      RAISE EXCEPTION 'only its author edits a coaching message, and only while it is a draft'
        USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF NEW.status IS DISTINCT FROM OLD.status AND NOT (
         (OLD.status = 'draft' AND NEW.status = 'sent' AND actor = OLD.author_user_id AND app_may_coach(OLD.rep_user_id))
      OR (OLD.status = 'sent' AND NEW.status = 'draft' AND actor = OLD.author_user_id AND app_may_coach(OLD.rep_user_id))
      OR (OLD.status = 'sent' AND NEW.status = 'dismissed' AND app_may_coach(OLD.rep_user_id))
      OR (OLD.status = 'sent' AND NEW.status = 'acknowledged' AND actor = OLD.rep_user_id)
    ) THEN
      RAISE EXCEPTION 'this user may not move this coaching message from % to %', OLD.status, NEW.status
        USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
  END $$;
