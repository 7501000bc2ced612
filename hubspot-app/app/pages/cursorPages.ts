import { useState } from 'react';

type Nav = { key: string; page: number; cursors: Array<string | null> };

/**
 * Table pagination over an API that pages by cursor: a page's cursor is known once the page
 * before it loaded, so the page count grows as pages load. A new `key` (period, filter, search)
 * starts again from page 1.
 */
export function useCursorPages(key: string) {
  const [nav, setNav] = useState<Nav>({ key, page: 1, cursors: [null] });
  const current = nav.key === key ? nav : { key, page: 1, cursors: [null] };
  return {
    page: current.page,
    /** The cursor of the page asked for (null: the first). */
    cursor: current.cursors[current.page - 1] ?? null,
    /**
     * The table's page count and page change, once page `loadedPage` (by default the one asked
     * for) answered `nextCursor`.
     */
    pager(nextCursor: string | null, loadedPage = current.page) {
      const cursors =
        nextCursor && current.cursors.length === loadedPage ? [...current.cursors, nextCursor] : current.cursors;
      const goTo = (page: number) => {
        if (page >= 1 && page <= cursors.length) setNav({ key, page, cursors });
      };
      return { pageCount: cursors.length, goTo };
    },
  };
}
