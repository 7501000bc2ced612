import { hubspot } from '@hubspot/ui-extensions';
import { createApi } from '@fathom-hubspot/ui-shared';
import { HomeView } from './HomeView';

hubspot.extend<'home'>(({ context }) => (
  <HomeView api={createApi(hubspot.fetch)} locale={{ locale: context.user.locale }} />
));
