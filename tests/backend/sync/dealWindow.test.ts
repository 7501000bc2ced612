import { describe, expect, test } from '@jest/globals';
import { dealFitsCall, DEAL_WINDOW_MS, linksForCall } from '../../../backend/src/sync/dealWindow.ts';
import type { CrmLink } from '../../../backend/src/sync/ports.ts';

const DAY = 24 * 3_600_000;
const call = new Date('2026-11-10T15:00:00Z');
const at = (days: number) => call.getTime() + days * DAY;

describe('which deals of a contact a call belongs on', () => {
  test.each([
    ['open at the call, created long before', { createdAt: at(-90), closedAt: null }, true],
    ['created a day after the call', { createdAt: at(1), closedAt: null }, true],
    ['created exactly 14 days after', { createdAt: call.getTime() + DEAL_WINDOW_MS, closedAt: null }, true],
    ['created 15 days after', { createdAt: at(15), closedAt: null }, false],
    ['closed before the call', { createdAt: at(-90), closedAt: at(-1) }, false],
    ['closed after the call (open at its time)', { createdAt: at(-90), closedAt: at(3) }, true],
    ['created and closed within the 14 days after', { createdAt: at(2), closedAt: at(5) }, true],
  ])('%s: %s', (_what, deal, fits) => {
    expect(dealFitsCall(deal, call)).toBe(fits);
  });

  test('a company reached only through a deal that does not fit is left out; one reached through the contact stays, once', () => {
    const late = { createdAt: at(30), closedAt: null };
    const fits = { createdAt: at(-3), closedAt: null };
    const links: CrmLink[] = [
      { objectType: 'contacts', objectId: 1, source: 'email' },
      { objectType: 'deals', objectId: 10, source: 'association', deal: late },
      { objectType: 'deals', objectId: 11, source: 'association', deal: fits },
      { objectType: 'companies', objectId: 20, source: 'association', deal: late },
      { objectType: 'companies', objectId: 21, source: 'association' },
      { objectType: 'companies', objectId: 21, source: 'association', deal: fits },
    ];
    expect(linksForCall(links, call)).toEqual([
      { objectType: 'contacts', objectId: 1, source: 'email' },
      { objectType: 'deals', objectId: 11, source: 'association' },
      { objectType: 'companies', objectId: 21, source: 'association' },
    ]);
  });
});
