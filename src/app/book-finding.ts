// Test Connection's answer to "how are books found here, and how do uploads go" (§8): by the
// fork's hash lookup, by fingerprinting the server's files with ranged reads (stock BookLore,
// Grimmory: needs a BookLore account), or not at all (then `attach`); batch upload or several
// single POSTs at once.
import type { BookLoreClient } from '../core/booklore/booklore-client.js';

export type BookFinding = 'by-hash' | 'remote fingerprint' | 'none';
export type UploadMode = 'batch' | 'parallel singles';

export interface FindingReport {
  bookFinding: BookFinding | null;
  /** Why books cannot be found by fingerprint, when they cannot. */
  bookFindingNote: string | null;
  uploads: UploadMode | null;
  parallelUploads: number;
}

/** Whether the library lists and a file answers a one-byte Range with 206 (a 200 works too, read up to the limit). */
async function rangedReadsWork(client: BookLoreClient): Promise<{ ok: true } | { ok: false; why: string }> {
  const listed = await client.listLibrary();
  if (!listed.ok) return { ok: false, why: `the library could not be listed (${listed.failure.message})` };
  const file = listed.files.find((f) => f.primary);
  if (file === undefined) return { ok: true }; // nothing to read yet; books added later are read then
  const read = await client.fetchContent(file.bookId, null, 'bytes=0-0', 1);
  if (!read.ok) return { ok: false, why: `a book file could not be read (${read.failure.message})` };
  const status = read.answer.status;
  if (status === 206 || status === 200) return { ok: true };
  return { ok: false, why: `reading a book file answered HTTP ${status}` };
}

export async function bookFinding(client: BookLoreClient, hashLookup: boolean | null, batchUpload: boolean | null, parallelUploads: number): Promise<FindingReport> {
  const report: FindingReport = {
    bookFinding: null,
    bookFindingNote: null,
    uploads: batchUpload === null ? null : batchUpload ? 'batch' : 'parallel singles',
    parallelUploads,
  };
  if (hashLookup === true) {
    report.bookFinding = 'by-hash';
  } else if (hashLookup === false) {
    if (!client.auth.hasJwt) {
      report.bookFinding = 'none';
      report.bookFindingNote = 'reading book files needs a BookLore account (configure --username)';
    } else {
      const works = await rangedReadsWork(client);
      report.bookFinding = works.ok ? 'remote fingerprint' : 'none';
      if (!works.ok) report.bookFindingNote = works.why;
    }
  }
  return report;
}
