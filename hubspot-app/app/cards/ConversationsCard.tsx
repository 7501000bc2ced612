import { hubspot } from '@hubspot/ui-extensions';
import { createApi } from '@fathom-hubspot/ui-shared';
import { OBJECT_TYPES } from './config';
import { ConversationsView } from './ConversationsView';

hubspot.extend<'crm.record.tab'>(({ context }) => (
  <ConversationsView
    api={createApi(hubspot.fetch)}
    objectType={OBJECT_TYPES[context.crm.objectTypeId] ?? 'contacts'}
    objectId={Number(context.crm.objectId)}
    locale={{ locale: context.user.locale, timeZone: context.portal.timezone }}
  />
));
