/** HubSpot's `actions.addAlert` (its banner at the top of the page): success messages go there. */
export type AddAlert = (alert: {
  type?: 'info' | 'warning' | 'success' | 'danger' | 'tip';
  title?: string;
  message: string;
}) => void;

/** Where no host gives one (a test that does not look at alerts): nothing is shown. */
export const noAlerts: AddAlert = () => {};
