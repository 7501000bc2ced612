import { hubspot } from '@hubspot/ui-extensions';
import { createApi } from '@fathom-hubspot/ui-shared';
import { SettingsView } from './SettingsView';

hubspot.extend<'settings'>(() => <SettingsView api={createApi(hubspot.fetch)} />);
