/** The HubSpot records the cards sit on and calls link to, named as HubSpot's CRM API names them. */
export const CRM_OBJECT_TYPES = ['contacts', 'deals', 'companies'] as const;

export type CrmObjectType = (typeof CRM_OBJECT_TYPES)[number];
