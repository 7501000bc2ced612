import type { CrmLink, DealFacts } from './ports.ts';

/** A deal created this long after a call still gets the call (the deal the call led to). */
export const DEAL_WINDOW_MS = 14 * 24 * 3_600_000;

/**
 * Whether a call belongs on a deal of one of its contacts: the deal was open at the call's time
 * (created before it and not closed before it), or was created within DEAL_WINDOW_MS after it.
 */
export function dealFitsCall(deal: DealFacts, callAt: Date): boolean {
  const at = callAt.getTime();
  return deal.createdAt <= at + DEAL_WINDOW_MS && (deal.closedAt === null || deal.closedAt >= at);
}

/**
 * The links of one call among an email's links: deals that fit the call, companies reached
 * through such deals or through the contact, each record once.
 */
export function linksForCall(links: readonly CrmLink[], callAt: Date): CrmLink[] {
  const seen = new Set<string>();
  const kept: CrmLink[] = [];
  for (const link of links) {
    if (link.deal && !dealFitsCall(link.deal, callAt)) continue;
    const key = `${link.objectType}:${link.objectId}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const { deal: _deal, ...plain } = link;
    kept.push(plain);
  }
  return kept;
}
