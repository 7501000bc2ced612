import { createPageRouter, PageRoutes } from '@hubspot/ui-extensions/pages';
import { CallPage } from './CallPage';
import { PagesEnvContext, type PagesEnv } from './pagesEnv';
import { QueuePage } from './QueuePage';
import { SearchPage } from './SearchPage';
import { TeamPage } from './TeamPage';

// Team is the app's home; a call has its own address (/calls/<id>) so that a link to it can be shared.
const PageRouter = createPageRouter(
  <PageRoutes>
    <PageRoutes.IndexRoute id="team" component={TeamPage} />
    <PageRoutes.Route id="queue" path="/queue" component={QueuePage} />
    <PageRoutes.Route id="search" path="/search" component={SearchPage} />
    <PageRoutes.Route id="call" path="/calls/:id" component={CallPage} />
  </PageRoutes>,
);

export function AppPages({ env }: { env: PagesEnv }) {
  return (
    <PagesEnvContext.Provider value={env}>
      <PageRouter />
    </PagesEnvContext.Provider>
  );
}
