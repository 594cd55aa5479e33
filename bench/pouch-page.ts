/**
 * The page side of bench/drain.ts's PouchDB baseline, bundled by Vite and run in Chromium:
 * ratings are written to a local PouchDB (IndexedDB underneath) and replicated to a PouchDB
 * server in batches of 200, the way a team would build this outbox with PouchDB instead.
 */
import PouchDB from 'pouchdb-browser';

declare global {
  interface Window {
    pouchBench: {
      fill(name: string, docs: object[]): Promise<void>;
      replicate(name: string, remote: string, batch: number): Promise<{ ms: number; written: number }>;
    };
  }
}

window.pouchBench = {
  async fill(name, docs) {
    const db = new PouchDB(name);
    await db.bulkDocs(docs);
    await db.close();
  },
  async replicate(name, remote, batch) {
    const db = new PouchDB(name);
    const started = performance.now();
    const result = await PouchDB.replicate(db, remote, { batch_size: batch });
    const ms = performance.now() - started;
    await db.close();
    return { ms, written: result.docs_written };
  },
};
