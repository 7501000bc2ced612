// The embedded database alone, as the backend opens it (db/pglite.ts), on the directory given:
// bench:firststart's floor. Prints {"ready":true} once open, then idles until signalled.
import { openPglite } from '../../backend/src/db/pglite.ts';

const db = await openPglite(process.argv[2]);
process.stdout.write('{"ready":true}\n');
process.once('SIGTERM', () => void db.close().then(() => process.exit(0)));
setInterval(() => {}, 60_000);
