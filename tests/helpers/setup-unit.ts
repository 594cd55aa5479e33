// fake-indexeddb gives each test file a real IndexedDB implementation in Node.
import 'fake-indexeddb/auto';
