// §8 in the plugin: finding books by fingerprint on servers without hash lookup (stock BookLore,
// Grimmory), with the shared core resolver, the shared client and the shared fingerprint memory
// on the plugin's queue file; MD5 from KOReader's ffi/sha2. Needs a BookLore account (JWT).
import type { BookLoreClient } from '../../src/core/booklore/booklore-client.js';
import { RemoteFingerprintResolver } from '../../src/core/sync/remote-fingerprint-resolver.js';
import type { StockServerResolution } from '../../src/core/sync/sync-engine.js';
import { SqliteRemoteFingerprints } from '../../src/store/remote-fingerprints.js';
import type { SqlDatabase } from '../../src/store/sql-database.js';
import { md5Hex } from './fingerprint.js';

export function stockServerResolution(client: BookLoreClient, db: SqlDatabase, now: () => number, log: (line: string) => void): StockServerResolution | undefined {
  if (!client.auth.hasJwt) return undefined;
  const memory = new SqliteRemoteFingerprints(db, now);
  // One request at a time: the plugin's transport completes each request before the next.
  const resolver = new RemoteFingerprintResolver({ api: client, md5: md5Hex, store: memory, serverKey: client.serverKey, log }, { concurrency: 1 });
  return { resolve: (targets) => resolver.resolve(targets), localFile: (hash) => memory.localFile(hash) };
}
