// The PouchDB packages bench/drain.ts compares with carry no types of their own; only what the
// bench uses is declared.
declare module 'pouchdb-browser' {
  interface Database {
    bulkDocs(docs: object[]): Promise<unknown>;
    close(): Promise<void>;
  }
  interface PouchDBStatic {
    new (name: string): Database;
    replicate(source: Database, target: string, options: { batch_size: number }): Promise<{ docs_written: number }>;
  }
  const PouchDB: PouchDBStatic;
  export default PouchDB;
}

declare module 'pouchdb-node' {
  const PouchDB: { defaults(options: { prefix: string }): unknown };
  export default PouchDB;
}

declare module 'express-pouchdb' {
  import type { IncomingMessage, ServerResponse } from 'node:http';
  /** An Express application: a request handler for node:http. */
  function expressPouchDB(pouch: unknown, options: { mode: string; inMemoryConfig: boolean }): (request: IncomingMessage, response: ServerResponse) => void;
  export default expressPouchDB;
}
