import { memoryKvStore } from '../src/memory-kv-store.js';
import { runKvStoreSuite } from './kv-store-suite.js';

runKvStoreSuite('memoryKvStore', () => memoryKvStore(), { compareAndSet: true });
