// §8: finding books by fingerprint on servers without hash lookup (stock BookLore, Grimmory),
// assembled from the shared core resolver, the BookLore client and the queue database's memory of
// fingerprints. Needs a BookLore account: only JWT lists the library and reads files.
import type { BookLoreClient } from '../core/booklore/booklore-client.js';
import { RemoteFingerprintResolver, type ResolverOptions } from '../core/sync/remote-fingerprint-resolver.js';
import type { StockServerResolution } from '../core/sync/sync-engine.js';
import type { SqlDatabase } from '../store/sql-database.js';
import { SqliteRemoteFingerprints } from '../store/remote-fingerprints.js';
import type { Runtime } from './runtime.js';

export function stockServerResolution(
  runtime: Runtime,
  client: BookLoreClient,
  db: SqlDatabase,
  now: () => number,
  extra: { shouldContinue?: () => boolean; log?: (message: string) => void; options?: Partial<ResolverOptions> } = {},
): StockServerResolution | undefined {
  if (!client.auth.hasJwt) return undefined;
  const memory = new SqliteRemoteFingerprints(db, now);
  const resolver = new RemoteFingerprintResolver(
    { api: client, md5: (bytes) => runtime.md5Hex(bytes), store: memory, serverKey: client.serverKey, shouldContinue: extra.shouldContinue, log: extra.log },
    extra.options,
  );
  return { resolve: (targets) => resolver.resolve(targets), localFile: (hash) => memory.localFile(hash) };
}
