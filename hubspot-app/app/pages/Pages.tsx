import { hubspot } from '@hubspot/ui-extensions';
import { createApi } from '@fathom-hubspot/ui-shared';
import { AppPages } from './AppPages';

// HubSpot's app pages (docs: "app pages overview"): one router, a route per page, deep links.
hubspot.extend<'pages'>(({ context, actions }) => (
  <AppPages
    env={{
      api: createApi(hubspot.fetch),
      locale: { locale: context.user.locale, timeZone: context.portal.timezone },
      addAlert: actions.addAlert,
    }}
  />
));
