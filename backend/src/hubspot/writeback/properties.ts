import type { Client } from '@hubspot/api-client';
import {
  archiveProperties,
  archivePropertyGroup,
  createProperties,
  createPropertyGroup,
  type PropertyDefinition,
} from '../crmWrites.ts';
import { CRM_OBJECT_TYPES } from '../../../../hubspot-app/app/packages/ui-shared/crmObjectTypes.ts';

/** The property group of the app on contacts, deals and companies. */
export const GROUP = { name: 'fathom_calls', label: 'Fathom calls' };

export const CALL_PROPERTIES: PropertyDefinition[] = [
  {
    name: 'fathom_call_count',
    label: 'Fathom calls',
    description: 'Recorded Fathom calls with this record (a company: those of its contacts and deals).',
    type: 'number',
    fieldType: 'number',
  },
  {
    name: 'fathom_last_call_at',
    label: 'Last Fathom call',
    description: 'When the newest recorded Fathom call started.',
    type: 'datetime',
    fieldType: 'date',
  },
  {
    name: 'fathom_last_call_title',
    label: 'Last Fathom call title',
    description: 'The title of the newest recorded Fathom call.',
    type: 'string',
    fieldType: 'text',
  },
  {
    name: 'fathom_last_call_url',
    label: 'Last Fathom call recording',
    description: 'The link to the recording of the newest Fathom call.',
    type: 'string',
    fieldType: 'text',
  },
  {
    name: 'fathom_open_action_items',
    label: 'Open Fathom action items',
    description: 'Action items of the recorded calls not marked done.',
    type: 'number',
    fieldType: 'number',
  },
];

/** Written only when the admin also chose the scores: everyone who can see the record sees it. */
export const SCORE_PROPERTY: PropertyDefinition = {
  name: 'fathom_average_score',
  label: 'Average Fathom call score',
  description: "The average coaching score of the recorded calls (the app's analysis, 0-100).",
  type: 'number',
  fieldType: 'number',
};

/**
 * Creates the group and the properties on each written object type: two calls per type. An
 * existing group or property (an earlier run, a previous install) is fine.
 */
export async function createCallProperties(client: Client, withScores: boolean): Promise<void> {
  for (const type of CRM_OBJECT_TYPES) {
    await createPropertyGroup(client, type, GROUP);
    await createProperties(
      client,
      type,
      GROUP.name,
      withScores ? [...CALL_PROPERTIES, SCORE_PROPERTY] : CALL_PROPERTIES,
    );
  }
}

/** Archives the properties and the group the app created ("Remove app and delete data"). */
export async function deleteCallProperties(client: Client): Promise<void> {
  for (const type of CRM_OBJECT_TYPES) {
    await archiveProperties(
      client,
      type,
      [...CALL_PROPERTIES, SCORE_PROPERTY].map((property) => property.name),
    );
    await archivePropertyGroup(client, type, GROUP.name);
  }
}
