import { createContext, useContext } from 'react';
import type { Api, Locale } from '@fathom-hubspot/ui-shared';

/** What every page needs from the extension point: the API, how to show dates, HubSpot's alerts. */
export type PagesEnv = {
  api: Api;
  locale: Locale;
  addAlert: (alert: { type?: 'success' | 'danger' | 'info'; title?: string; message: string }) => void;
};

// A route's component takes no props (PageRoutes.Route): the pages read this context instead.
export const PagesEnvContext = createContext<PagesEnv | null>(null);

export function usePagesEnv(): PagesEnv {
  const env = useContext(PagesEnvContext);
  if (!env) throw new Error('The app pages render inside <AppPages>.');
  return env;
}
