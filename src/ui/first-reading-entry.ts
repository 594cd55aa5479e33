// A script of its own in index.html, before the app's: it starts the first screen's reading
// (first-reading.ts) while the app's modules load.
import { readFirstMeta } from './first-reading.ts';

if (!/^\/dashboard(\/|$)/.test(location.pathname) && globalThis.indexedDB) globalThis.branchvoiceFirstReading = readFirstMeta(indexedDB);
