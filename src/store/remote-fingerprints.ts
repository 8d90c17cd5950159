// The remote-fingerprint memory (core/sync/library-port.ts RemoteFingerprintStore) on the queue
// database: every server file fingerprinted, per server, and the sizes of local book files.
// Written against the SqlDatabase port, so the KOReader plugin can run this same code.
import type { LocalFile, RemoteFingerprint, RemoteFingerprintStore } from '../core/sync/library-port.js';
import { withoutTrailingSlashes } from './book-cache.js';
import type { SqlDatabase } from './sql-database.js';
import { REMOTE_FINGERPRINT_SQL as SQL } from './sql/remote-fingerprint-sql.js';

export class SqliteRemoteFingerprints implements RemoteFingerprintStore {
  private readonly s;

  constructor(
    db: SqlDatabase,
    private readonly nowSeconds: () => number,
  ) {
    this.s = {
      remembered: db.prepare(SQL.remembered),
      remember: db.prepare(SQL.remember),
      localSize: db.prepare(SQL.localSize).pluck(),
      sessionType: db.prepare(SQL.sessionType).pluck(),
      noteLocal: db.prepare(SQL.noteLocal),
    };
  }

  remembered(serverKey: string): RemoteFingerprint[] {
    return this.s.remembered.all(withoutTrailingSlashes(serverKey)) as RemoteFingerprint[];
  }

  remember(serverKey: string, f: RemoteFingerprint): void {
    this.s.remember.run({
      server: withoutTrailingSlashes(serverKey), bookId: f.bookId, fileId: f.fileId, bookType: f.bookType, fileSizeKb: f.fileSizeKb,
      addedOn: f.addedOn, hash: f.hash, sizeBytes: f.sizeBytes, now: this.nowSeconds(),
    });
  }

  localFile(hash: string): LocalFile {
    const size = this.s.localSize.get(hash) as number | undefined;
    const type = this.s.sessionType.get(hash) as string | undefined;
    return { sizeBytes: size ?? null, bookType: type ?? null };
  }

  /** A recording read this file: its size helps find the server's copy (same fileSizeKb first). */
  noteLocalFile(hash: string, sizeBytes: number): void {
    this.s.noteLocal.run({ hash, size: sizeBytes, now: this.nowSeconds() });
  }
}
