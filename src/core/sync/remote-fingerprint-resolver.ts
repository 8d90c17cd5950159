// Finding books by fingerprint on a server without a by-hash endpoint (stock BookLore, Grimmory;
// §8): list the library once, match what was fingerprinted before (remembered per server and per
// file, so a book is sampled once in its life), then sample candidates until every hash is found
// or its candidates are exhausted. Candidates of a hash: files of the same type (any type when
// the type was only guessed); first those whose fileSizeKb equals the local file's, then the
// others only when needed, newest first. A fingerprint found along the way serves every hash.
import type { Failure } from './api-port.js';
import { fingerprintRemoteFile } from './remote-fingerprint.js';
import type { LibraryApi, LibraryFile, Md5Port, RemoteFingerprint, RemoteFingerprintStore } from './library-port.js';
import { integerText } from '../booklore/integer-text.js';

export interface HashToFind {
  hash: string;
  /** The sessions' book type; null when only guessed (imports): any type may match. */
  bookType: string | null;
  /** The local file's size in bytes, when a recording noted it. */
  sizeBytes: number | null;
  /** The sessions' title (from the file name or the reader), to try files of that name first. */
  title: string | null;
}

export type HashVerdict =
  | { hash: string; kind: 'found'; bookId: number; bookType: string | null; title: string | null }
  /** Every candidate in the library was fingerprinted: no book has it. */
  | { hash: string; kind: 'absent'; candidates: number }
  /** Some candidates could not be read, or are left for a later sync. */
  | { hash: string; kind: 'incomplete'; reason: string };

export interface ResolveResult {
  verdicts: HashVerdict[];
  /** Offline or refused credentials: the sync stops. */
  stop: Failure | null;
  contentRequests: number;
  filesSampled: number;
  libraryFiles: number;
}

export interface ResolverOptions {
  /** Files sampled at the same time. */
  concurrency: number;
  /** Files sampled per sync at most; the rest waits for the next sync. */
  maxFilesPerSync: number;
  /** Candidates per hash taken in each round after the equal-size ones. */
  roundSize: number;
}

export const DEFAULT_RESOLVER_OPTIONS: ResolverOptions = { concurrency: 8, maxFilesPerSync: 2000, roundSize: 8 };

export interface ResolverDeps {
  api: LibraryApi;
  md5: Md5Port;
  store: RemoteFingerprintStore;
  serverKey: string;
  shouldContinue?: () => boolean;
  log?: (message: string) => void;
}

function fileKey(bookId: number, fileId: number): string {
  return `${integerText(bookId)}:${integerText(fileId)}`;
}

/** Whether a remembered fingerprint still describes the listed file (a rewrite changes size or date). */
function stillValid(remembered: RemoteFingerprint, file: LibraryFile): boolean {
  return remembered.fileSizeKb === file.fileSizeKb && remembered.addedOn === file.addedOn && remembered.bookType === file.bookType;
}

function typeFits(file: LibraryFile, bookType: string | null): boolean {
  return bookType === null || file.bookType === bookType;
}

/** Newest first by addedOn (ISO text compares in time order), then by higher book id. */
function newestFirst(a: LibraryFile, b: LibraryFile): number {
  const x = a.addedOn ?? '';
  const y = b.addedOn ?? '';
  if (x !== y) return x < y ? 1 : -1;
  return b.bookId - a.bookId;
}

/** Lower-case ASCII letters and digits only: "Pride and Prejudice - Jane Austen.epub" and its title compare. */
function nameKey(text: string | null): string {
  if (text === null) return '';
  let key = '';
  const lower = text.toLowerCase();
  for (let i = 0; i < lower.length; i++) {
    const code = lower.charCodeAt(i);
    if ((code >= 97 && code <= 122) || (code >= 48 && code <= 57)) key += lower.charAt(i);
  }
  return key;
}

function stem(fileName: string | null): string | null {
  if (fileName === null) return null;
  for (let i = fileName.length - 1; i > 0; i--) if (fileName.charAt(i) === '.') return fileName.substring(0, i);
  return fileName;
}

/** Whether a file's title or name looks like the sessions' title (a hint to try it early, never a match). */
function nameFits(file: LibraryFile, titleKey: string): boolean {
  if (titleKey.length < 4) return false;
  for (const candidate of [nameKey(file.title), nameKey(stem(file.fileName))]) {
    if (candidate.length < 4) continue;
    if (candidate === titleKey) return true; // containment would rank "Book 1" with "Book 12"

  }
  return false;
}

/**
 * One hash being looked for: first its likeliest files (same size and name, same size, same
 * name), one per round; then a cursor over the shared newest-first list of its type.
 */
class Pursuit {
  found: LibraryFile | null = null;
  private priorityAt = 0;
  private poolAt = 0;

  constructor(
    readonly target: HashToFind,
    private readonly priority: LibraryFile[],
    private readonly inPriority: Set<string>,
    private readonly pool: LibraryFile[],
  ) {}

  get candidates(): number {
    return this.pool.length;
  }

  inPriorityTier(): boolean {
    return this.priorityAt < this.priority.length;
  }

  /** The next candidate not in `skip`, or null when none is left. */
  take(skip: Set<string>): LibraryFile | null {
    while (this.priorityAt < this.priority.length) {
      const file = this.priority[this.priorityAt]!;
      this.priorityAt++;
      if (!skip.has(fileKey(file.bookId, file.fileId))) return file;
    }
    while (this.poolAt < this.pool.length) {
      const file = this.pool[this.poolAt]!;
      this.poolAt++;
      const key = fileKey(file.bookId, file.fileId);
      if (!this.inPriority.has(key) && !skip.has(key)) return file;
    }
    return null;
  }

  hasMore(skip: Set<string>): boolean {
    for (; this.priorityAt < this.priority.length; this.priorityAt++) {
      const file = this.priority[this.priorityAt]!;
      if (!skip.has(fileKey(file.bookId, file.fileId))) return true;
    }
    for (; this.poolAt < this.pool.length; this.poolAt++) {
      const key = fileKey(this.pool[this.poolAt]!.bookId, this.pool[this.poolAt]!.fileId);
      if (!this.inPriority.has(key) && !skip.has(key)) return true;
    }
    return false;
  }
}

export class RemoteFingerprintResolver {
  private readonly options: ResolverOptions;
  private contentRequests = 0;
  private stop: Failure | null = null;

  constructor(
    private readonly deps: ResolverDeps,
    options: Partial<ResolverOptions> = {},
  ) {
    this.options = { ...DEFAULT_RESOLVER_OPTIONS, ...options };
  }

  async resolve(targets: HashToFind[]): Promise<ResolveResult> {
    const listed = await this.deps.api.listLibrary();
    if (!listed.ok) {
      const kind = listed.failure.kind;
      const stop = kind === 'offline' || kind === 'auth' ? listed.failure : null;
      const reason = `could not list the library to find it by fingerprint (${listed.failure.message}); will try again`;
      return { verdicts: targets.map((t) => ({ hash: t.hash, kind: 'incomplete', reason })), stop, contentRequests: 0, filesSampled: 0, libraryFiles: 0 };
    }
    const files = listed.files;
    const byHash = new Map<string, LibraryFile[]>();
    const sampled = new Set<string>();
    const remembered = new Map<string, RemoteFingerprint>();
    for (const r of this.deps.store.remembered(this.deps.serverKey)) remembered.set(fileKey(r.bookId, r.fileId), r);
    for (const file of files) {
      const r = remembered.get(fileKey(file.bookId, file.fileId));
      if (r === undefined || !stillValid(r, file)) continue;
      sampled.add(fileKey(file.bookId, file.fileId));
      this.index(byHash, r.hash, file);
    }
    const pools = this.pools(files);
    const pursuits = targets.map((target) => this.pursuit(target, pools));
    const unreadable = new Map<string, { file: LibraryFile; reason: string }>();
    const skip = sampled; // sampled or unreadable this sync: never asked twice
    let budget = this.options.maxFilesPerSync;
    for (;;) {
      const open = pursuits.filter((p) => this.match(p, byHash) === null && p.hasMore(skip));
      if (open.length === 0 || this.stop !== null || budget <= 0) break;
      const batch: LibraryFile[] = [];
      const chosen = new Set<string>();
      for (const p of open) {
        // The likeliest files one per round (a match ends the search); then a few more, newest first.
        const take = p.inPriorityTier() ? 1 : this.options.roundSize;
        for (let taken = 0; taken < take && batch.length < budget; taken++) {
          const file = p.take(skip);
          if (file === null) break;
          const key = fileKey(file.bookId, file.fileId);
          if (!chosen.has(key)) {
            chosen.add(key);
            batch.push(file);
          }
        }
      }
      budget -= batch.length;
      const failed = await this.sampleAll(batch, byHash, sampled);
      for (const [key, entry] of failed) {
        unreadable.set(key, entry);
        skip.add(key);
      }
    }
    return {
      verdicts: pursuits.map((p) => this.verdict(p, byHash, budget, skip, unreadable)),
      stop: this.stop,
      contentRequests: this.contentRequests,
      filesSampled: sampled.size - unreadable.size,
      libraryFiles: files.length,
    };
  }

  private index(byHash: Map<string, LibraryFile[]>, hash: string, file: LibraryFile): void {
    const list = byHash.get(hash);
    if (list === undefined) byHash.set(hash, [file]);
    else list.push(file);
  }

  /** Files of each type, and all files, newest first (shared by every pursuit). */
  private pools(files: LibraryFile[]): Map<string, LibraryFile[]> {
    const all = [...files].sort(newestFirst);
    const pools = new Map<string, LibraryFile[]>();
    pools.set('', all);
    for (const file of all) {
      if (file.bookType === null) continue;
      const list = pools.get(`t:${file.bookType}`);
      if (list === undefined) pools.set(`t:${file.bookType}`, [file]);
      else list.push(file);
    }
    return pools;
  }

  private pursuit(target: HashToFind, pools: Map<string, LibraryFile[]>): Pursuit {
    const pool = (target.bookType === null ? pools.get('') : pools.get(`t:${target.bookType}`)) ?? [];
    const kb = target.sizeBytes === null ? null : Math.floor(target.sizeBytes / 1024);
    const titleKey = nameKey(target.title);
    const sizeAndName: LibraryFile[] = [];
    const size: LibraryFile[] = [];
    const name: LibraryFile[] = [];
    for (const f of pool) {
      const sameSize = kb !== null && f.fileSizeKb === kb;
      const sameName = nameFits(f, titleKey);
      if (sameSize && sameName) sizeAndName.push(f);
      else if (sameSize) size.push(f);
      else if (sameName) name.push(f);
    }
    const priority = [...sizeAndName, ...size, ...name];
    const inPriority = new Set<string>();
    for (const f of priority) inPriority.add(fileKey(f.bookId, f.fileId));
    return new Pursuit(target, priority, inPriority, pool);
  }

  /** The file with this pursuit's fingerprint and a fitting type, primary files first. */
  private match(p: Pursuit, byHash: Map<string, LibraryFile[]>): LibraryFile | null {
    if (p.found !== null) return p.found;
    const list = byHash.get(p.target.hash);
    if (list === undefined) return null;
    let best: LibraryFile | null = null;
    for (const f of list) {
      if (!typeFits(f, p.target.bookType)) continue;
      if (best === null || (f.primary && !best.primary)) best = f;
    }
    p.found = best;
    return best;
  }

  /** Samples the files, a few at a time; returns why each unreadable one could not be read. */
  private async sampleAll(batch: LibraryFile[], byHash: Map<string, LibraryFile[]>, sampled: Set<string>): Promise<Map<string, { file: LibraryFile; reason: string }>> {
    const unreadable = new Map<string, { file: LibraryFile; reason: string }>();
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < batch.length && this.stop === null) {
        if (this.deps.shouldContinue !== undefined && !this.deps.shouldContinue()) return;
        const file = batch[next]!;
        next++;
        const key = fileKey(file.bookId, file.fileId);
        const outcome = await fingerprintRemoteFile(this.countingApi(), this.deps.md5, file);
        if (outcome.kind === 'hash') {
          sampled.add(key);
          this.index(byHash, outcome.hash, file);
          this.deps.store.remember(this.deps.serverKey, {
            bookId: file.bookId, fileId: file.fileId, bookType: file.bookType, fileSizeKb: file.fileSizeKb, addedOn: file.addedOn,
            hash: outcome.hash, sizeBytes: outcome.sizeBytes,
          });
        } else if (outcome.kind === 'no-file') {
          sampled.add(key); // checked: not readable by this user, so not a book to upload to
        } else if (outcome.kind === 'unreadable') {
          unreadable.set(key, { file, reason: `book ${integerText(file.bookId)}: ${outcome.reason}` });
          if (this.deps.log !== undefined) this.deps.log(`could not fingerprint book ${integerText(file.bookId)} on the server: ${outcome.reason}`);
        } else {
          this.stop = outcome.failure;
        }
      }
    };
    const workers: Promise<void>[] = [];
    const count = batch.length < this.options.concurrency ? batch.length : this.options.concurrency;
    for (let i = 0; i < count; i++) workers.push(worker());
    await Promise.all(workers);
    return unreadable;
  }

  private countingApi(): LibraryApi {
    return {
      listLibrary: () => this.deps.api.listLibrary(),
      fetchContent: (bookId, bookType, range, maxBytes) => {
        this.contentRequests++;
        return this.deps.api.fetchContent(bookId, bookType, range, maxBytes);
      },
    };
  }

  private verdict(p: Pursuit, byHash: Map<string, LibraryFile[]>, budget: number, skip: Set<string>, unreadable: Map<string, { file: LibraryFile; reason: string }>): HashVerdict {
    const hash = p.target.hash;
    const found = this.match(p, byHash);
    if (found !== null) return { hash, kind: 'found', bookId: found.bookId, bookType: found.bookType, title: found.title };
    if (this.stop !== null) return { hash, kind: 'incomplete', reason: `the search by fingerprint stopped: ${this.stop.message}` };
    if (p.hasMore(skip)) {
      const left = budget <= 0 ? 'the rest of the library is checked on the next sync' : 'it goes on at the next sync';
      return { hash, kind: 'incomplete', reason: `not found among the books fingerprinted so far; ${left}` };
    }
    for (const entry of unreadable.values()) {
      if (typeFits(entry.file, p.target.bookType)) return { hash, kind: 'incomplete', reason: `some books could not be read to compare (${entry.reason}); will try again` };
    }
    return { hash, kind: 'absent', candidates: p.candidates };
  }
}
