/** A user of the portal as HubSpot's users list names him. */
export type HubSpotUser = { hubspotUserId: number; email: string };
