import { hubspot } from '@hubspot/ui-extensions';
import { createApi } from '../cards/api';
import { SettingsView } from './SettingsView';

hubspot.extend<'settings'>(() => <SettingsView api={createApi(hubspot.fetch)} />);
