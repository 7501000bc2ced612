-- The conversations card reads the link rows alone (docs/cards.md). What the list shows of a call
-- is copied onto each of its links and kept there by triggers, as the call's start time already
-- was (migration 001), so a page is one range scan of conversation_crm_links_card_idx and the
-- heap rows it points to: no primary-key lookup of conversations. Those lookups were most of a
-- card's buffer reads once the calls outgrow shared_buffers (bench:cards, 1M calls).

ALTER TABLE conversation_crm_links
  ADD COLUMN conversation_title               text,
  ADD COLUMN conversation_duration_seconds    integer,
  ADD COLUMN conversation_recorded_by_user_id uuid,
  ADD COLUMN conversation_recorded_by_name    text,
  ADD COLUMN conversation_recorded_by_email   text,
  ADD COLUMN conversation_url                 text,
  ADD COLUMN conversation_score               smallint,
  ADD COLUMN conversation_open_action_items   integer,
  ADD COLUMN conversation_participants        jsonb;

-- A new link (or one moved to another call) copies its call. Runs with the writer's rights: row
-- level security shows it only its own tenant's call.
CREATE FUNCTION conversation_crm_links_copy_call() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
  BEGIN
    SELECT c.started_at, c.title, c.duration_seconds, c.recorded_by_user_id, c.recorded_by_name,
           c.recorded_by_email, c.url, c.card_score, c.card_open_action_items, c.card_participants
      INTO NEW.conversation_started_at, NEW.conversation_title, NEW.conversation_duration_seconds,
           NEW.conversation_recorded_by_user_id, NEW.conversation_recorded_by_name,
           NEW.conversation_recorded_by_email, NEW.conversation_url, NEW.conversation_score,
           NEW.conversation_open_action_items, NEW.conversation_participants
      FROM conversations c WHERE c.account_id = NEW.account_id AND c.id = NEW.conversation_id;
    RETURN NEW;
  END $$;
DROP TRIGGER conversation_crm_links_started_at ON conversation_crm_links;
DROP FUNCTION conversation_crm_links_copy_started_at();
CREATE TRIGGER conversation_crm_links_copy_call
  BEFORE INSERT OR UPDATE OF conversation_id ON conversation_crm_links
  FOR EACH ROW EXECUTE FUNCTION conversation_crm_links_copy_call();

-- A call whose shown fields change (an edited meeting, a re-analysis, a privacy deletion, its
-- recorder's user removed) rewrites its links' copies, in the same transaction.
CREATE FUNCTION conversations_copy_to_links() RETURNS trigger
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
DROP TRIGGER conversations_started_at_changed ON conversations;
DROP FUNCTION conversations_propagate_started_at();
CREATE TRIGGER conversations_card_changed
  AFTER UPDATE OF started_at, title, duration_seconds, recorded_by_user_id, recorded_by_name, recorded_by_email,
                  url, card_score, card_open_action_items, card_participants
  ON conversations
  FOR EACH ROW
  WHEN ((OLD.started_at, OLD.title, OLD.duration_seconds, OLD.recorded_by_user_id, OLD.recorded_by_name,
         OLD.recorded_by_email, OLD.url, OLD.card_score, OLD.card_open_action_items, OLD.card_participants)
        IS DISTINCT FROM
        (NEW.started_at, NEW.title, NEW.duration_seconds, NEW.recorded_by_user_id, NEW.recorded_by_name,
         NEW.recorded_by_email, NEW.url, NEW.card_score, NEW.card_open_action_items, NEW.card_participants))
  EXECUTE FUNCTION conversations_copy_to_links();

-- The links stored before this migration copy their calls through conversation_crm_links_copy_call (naming
-- conversation_id in SET fires it), as the system role: row level security is forced.
SET LOCAL ROLE fathom_app_system;
UPDATE conversation_crm_links SET conversation_id = conversation_id;
RESET ROLE;

-- The page (migration 015's card_conversations_page, same columns and rules) from the links alone.
-- The score is shown where app_may_see_call_analysis allows, with the cases it decides alone taken
-- first; only a manager's view, or a call whose recorder is known by email only, reads further.
-- The viewer's role is read by a plain subquery, once per page: as app_user_role(), a SQL function
-- PostgreSQL cannot inline, it was planned anew on every execution (a third of the page's cost).
CREATE OR REPLACE FUNCTION card_conversations_page(
  p_object_type text,
  p_object_id bigint,
  p_after_started_at timestamptz,
  p_after_id uuid,
  p_limit integer
) RETURNS TABLE (
  id uuid, title text, started_at timestamptz, duration_seconds integer, recorded_by_name text,
  recorded_by_email text, url text, score smallint, open_action_items integer, participants jsonb
)
  LANGUAGE sql STABLE
  AS $$
  SELECT l.conversation_id, l.conversation_title, l.conversation_started_at, l.conversation_duration_seconds,
         l.conversation_recorded_by_name, l.conversation_recorded_by_email, l.conversation_url,
         CASE WHEN app_is_backend_work() OR viewer.role = 'admin' OR l.conversation_recorded_by_user_id = app_user_id()
                   OR ((l.conversation_recorded_by_user_id IS NULL OR viewer.role = 'manager')
                       AND app_may_see_call_analysis(l.conversation_id))
              THEN l.conversation_score END,
         l.conversation_open_action_items, l.conversation_participants
    FROM conversation_crm_links l
   CROSS JOIN (SELECT (SELECT r.role FROM user_roles r
                        WHERE r.account_id = app_account_id() AND r.user_id = app_user_id()) AS role) AS viewer
   WHERE l.account_id = app_account_id() AND l.object_type = p_object_type AND l.object_id = p_object_id
     AND (p_after_started_at IS NULL OR (l.conversation_started_at, l.conversation_id) < (p_after_started_at, p_after_id))
   ORDER BY l.conversation_started_at DESC, l.conversation_id DESC
   LIMIT p_limit
$$;
