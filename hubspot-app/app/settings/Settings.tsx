import { hubspot } from '@hubspot/ui-extensions';
import { createApi } from '@fathom-hubspot/ui-shared';
import { SettingsView } from './SettingsView';

hubspot.extend<'settings'>(({ context, actions }) => (
  <SettingsView
    api={createApi(hubspot.fetch)}
    hubId={context.portal.id}
    locale={{ locale: context.user.locale, timeZone: context.portal.timezone }}
    addAlert={actions.addAlert}
  />
));
