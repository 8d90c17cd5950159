// What finding books by fingerprint on a stock server needs (§8): the library as listed by
// GET /api/v1/books, ranged reads of a book's file, an MD5 over bytes (the core has no crypto),
// and a durable memory of every fingerprint computed. Outcomes are values, as in api-port.ts.
import type { Failure } from './api-port.js';

/** One file of a book the user may see: the primary file or an alternative format. */
export interface LibraryFile {
  bookId: number;
  /** The BookFile id: a new one means a new file. */
  fileId: number;
  bookType: string | null;
  /** Files.size / 1024 at scan time: a hint, possibly stale or null (§8). */
  fileSizeKb: number | null;
  addedOn: string | null;
  title: string | null;
  fileName: string | null;
  /** False for an alternative format (read with ?bookType=). */
  primary: boolean;
}

export type LibraryOutcome = { ok: true; files: LibraryFile[]; books: number } | { ok: false; failure: Failure };

/** A content answer as bytes: `body` holds one character per byte. */
export interface ContentAnswer {
  status: number;
  contentType: string;
  contentRange: string | null;
  /** The Content-Length header, when given. */
  contentLength: number | null;
  body: string;
  /** The transport stopped reading at the byte limit: the body goes on. */
  truncated: boolean;
}

export type ContentOutcome = { ok: true; answer: ContentAnswer } | { ok: false; failure: Failure };

export interface LibraryApi {
  listLibrary(): Promise<LibraryOutcome>;
  /**
   * GET /api/v1/books/{id}/content, with `range` as the Range header (none when null) and
   * `bookType` for an alternative format; reads at most `maxBytes` of the body.
   */
  fetchContent(bookId: number, bookType: string | null, range: string | null, maxBytes: number): Promise<ContentOutcome>;
}

/** MD5 of bytes (one character per byte), lower-case hex. */
export type Md5Port = (bytes: string) => string;

/** A fingerprint computed from a server's copy of a file, with what identified that copy then. */
export interface RemoteFingerprint {
  bookId: number;
  fileId: number;
  bookType: string | null;
  fileSizeKb: number | null;
  addedOn: string | null;
  hash: string;
  sizeBytes: number;
}

export interface LocalFile {
  sizeBytes: number | null;
  bookType: string | null;
}

export interface RemoteFingerprintStore {
  /** Every fingerprint remembered for this server. */
  remembered(serverKey: string): RemoteFingerprint[];
  remember(serverKey: string, fingerprint: RemoteFingerprint): void;
  /** What is known locally of the file with this fingerprint: its size (when a recording noted it) and its sessions' type. */
  localFile(hash: string): LocalFile;
}
