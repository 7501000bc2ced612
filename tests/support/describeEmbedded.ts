import { describe } from '@jest/globals';
import { engine } from './database.ts';

/**
 * For tests of the embedded database itself (the first start, DATA_DIR's files): they run in the
 * PGlite run only, since in the PostgreSQL run they would repeat the same work on the same engine.
 */
export const describeEmbedded = engine === 'pglite' ? describe : describe.skip;
