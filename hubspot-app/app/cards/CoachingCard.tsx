import { hubspot } from '@hubspot/ui-extensions';
import { createApi } from '@fathom-hubspot/ui-shared';
import { OBJECT_TYPES } from './config';
import { CoachingView } from './CoachingView';

hubspot.extend<'crm.record.tab'>(({ context, actions }) => (
  <CoachingView
    api={createApi(hubspot.fetch)}
    objectType={OBJECT_TYPES[context.crm.objectTypeId] === 'deals' ? 'deals' : 'contacts'}
    objectId={Number(context.crm.objectId)}
    addAlert={actions.addAlert}
  />
));
