import type { CrmObjectType } from '@fathom-hubspot/ui-shared';
/** HubSpot object type ids of the records the cards sit on. */
export const OBJECT_TYPES: Record<string, CrmObjectType> = {
  '0-1': 'contacts',
  '0-2': 'companies',
  '0-3': 'deals',
};
