CREATE POLICY coaching_messages_tenant_read ON coaching_messages FOR SELECT TO fathom_app_tenant
  USING (account_id = app_account_id() AND app_may_see_coaching(author_user_id, rep_user_id, status));
CREATE POLICY coaching_messages_tenant_delete ON coaching_messages FOR DELETE TO fathom_app_tenant
  USING (account_id = app_account_id() AND status = 'draft'
         AND (author_user_id = app_user_id() OR app_user_role() = 'admin'));
CREATE POLICY coaching_messages_system ON coaching_messages TO fathom_app_system USING (true) WITH CHECK (true);
CREATE POLICY coaching_messages_tenant_insert ON coaching_messages FOR INSERT TO fathom_app_tenant
  WITH CHECK (account_id = app_account_id() AND author_user_id = app_user_id() AND status = 'draft'
              AND app_may_coach(rep_user_id));
CREATE POLICY coaching_messages_tenant_update ON coaching_messages FOR UPDATE TO fathom_app_tenant
  USING (account_id = app_account_id() AND app_may_see_coaching(author_user_id, rep_user_id, status)
         AND (app_may_coach(rep_user_id) OR rep_user_id = app_user_id()))
  WITH CHECK (account_id = app_account_id()
              AND (app_may_coach(rep_user_id) OR (rep_user_id = app_user_id() AND status = 'acknowledged')));
