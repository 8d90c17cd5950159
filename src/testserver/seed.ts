// What the server starts with: users, KOReader users, libraries (with members) and books. The
// default seed is printed by `test-server` at start; `--seed FILE` takes JSON of the same shape.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { partialMd5OfBuffer } from '../node/partial-md5.js';
import { BOOK_TYPES, type BookType } from './book-types.js';
import { seedBookBytes } from './seed-book-bytes.js';

export interface SeedUser {
  username: string;
  password: string;
  /** Admins see every library (§1.2 validateBookAccess, §3.1). */
  admin?: boolean;
}

export interface SeedKoreaderUser {
  username: string;
  password: string;
  /** The BookLore user it is linked to; null = unlinked (session POSTs then answer 409, §2.2). */
  bookloreUser: string | null;
}

export interface SeedLibrary {
  id: number;
  name: string;
  /** Usernames of the BookLore users who may see this library's books. */
  members: string[];
}

export interface SeedBook {
  id: number;
  libraryId: number;
  title: string;
  authors: string[];
  bookType: BookType;
  fileName: string;
  /** KOReader partial MD5 of the file (§3.2), lower-case hex. */
  hash: string;
  isbn13?: string;
  fileSizeKb?: number;
}

export interface SeedData {
  users: SeedUser[];
  koreaderUsers: SeedKoreaderUser[];
  libraries: SeedLibrary[];
  books: SeedBook[];
}

const positiveId = z.number().int().positive();

export const SeedDataSchema = z
  .object({
    users: z
      .array(z.object({ username: z.string().min(1), password: z.string().min(1), admin: z.boolean().optional() }).strict())
      .min(1),
    koreaderUsers: z
      .array(z.object({ username: z.string().min(1).max(100), password: z.string().min(1), bookloreUser: z.string().min(1).nullable() }).strict())
      .default([]),
    libraries: z.array(z.object({ id: positiveId, name: z.string().min(1), members: z.array(z.string()) }).strict()),
    books: z.array(
      z
        .object({
          id: positiveId,
          libraryId: positiveId,
          title: z.string().min(1),
          authors: z.array(z.string()).default([]),
          bookType: z.enum(BOOK_TYPES),
          fileName: z.string().min(1),
          hash: z
            .string()
            .regex(/^[0-9a-fA-F]{32}$/, 'must be 32 hex digits (a KOReader partial MD5)')
            .transform((h) => h.toLowerCase()),
          isbn13: z.string().optional(),
          fileSizeKb: z.number().int().nonnegative().optional(),
        })
        .strict(),
    ),
  })
  .strict()
  .superRefine((seed, ctx) => {
    const usernames = new Set<string>();
    seed.users.forEach((u, i) => {
      if (usernames.has(u.username)) ctx.addIssue({ code: 'custom', path: ['users', i, 'username'], message: `duplicate username ${u.username}` });
      usernames.add(u.username);
    });
    const koreaderNames = new Set<string>();
    seed.koreaderUsers.forEach((k, i) => {
      if (koreaderNames.has(k.username)) ctx.addIssue({ code: 'custom', path: ['koreaderUsers', i, 'username'], message: `duplicate username ${k.username}` });
      koreaderNames.add(k.username);
      if (k.bookloreUser !== null && !usernames.has(k.bookloreUser)) {
        ctx.addIssue({ code: 'custom', path: ['koreaderUsers', i, 'bookloreUser'], message: `no user named ${k.bookloreUser}` });
      }
    });
    const libraryIds = new Set<number>();
    seed.libraries.forEach((l, i) => {
      if (libraryIds.has(l.id)) ctx.addIssue({ code: 'custom', path: ['libraries', i, 'id'], message: `duplicate library id ${l.id}` });
      libraryIds.add(l.id);
      l.members.forEach((m, j) => {
        if (!usernames.has(m)) ctx.addIssue({ code: 'custom', path: ['libraries', i, 'members', j], message: `no user named ${m}` });
      });
    });
    const bookIds = new Set<number>();
    seed.books.forEach((b, i) => {
      if (bookIds.has(b.id)) ctx.addIssue({ code: 'custom', path: ['books', i, 'id'], message: `duplicate book id ${b.id}` });
      bookIds.add(b.id);
      if (!libraryIds.has(b.libraryId)) ctx.addIssue({ code: 'custom', path: ['books', i, 'libraryId'], message: `no library with id ${b.libraryId}` });
    });
  });

/** Why a seed is unusable, one problem per `path: message` (zod's issues, in words). */
export function describeSeedIssues(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : '(top level)'}: ${issue.message}`).join('; ');
}

export class SeedError extends Error {
  override name = 'SeedError';
}

/** Validates seed data from code or JSON; throws SeedError with every problem listed. */
export function parseSeed(value: unknown): SeedData {
  const parsed = SeedDataSchema.safeParse(value);
  if (!parsed.success) throw new SeedError(`invalid seed: ${describeSeedIssues(parsed.error)}`);
  return parsed.data;
}

export function loadSeedFile(path: string): SeedData {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new SeedError(`cannot read seed file ${path} (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new SeedError(`seed file ${path} is not JSON (${(err as Error).message})`);
  }
  try {
    return parseSeed(value);
  } catch (err) {
    throw new SeedError(`seed file ${path}: ${(err as Error).message}`);
  }
}

function seedBook(id: number, libraryId: number, title: string, authors: string[], bookType: BookType, fileName: string, isbn13?: string): SeedBook {
  const bytes = seedBookBytes(id);
  const book: SeedBook = { id, libraryId, title, authors, bookType, fileName, hash: partialMd5OfBuffer(bytes), fileSizeKb: Math.floor(bytes.length / 1024) }; // §8: Files.size / 1024
  if (isbn13 !== undefined) book.isbn13 = isbn13;
  return book;
}

/**
 * The default seed. `reader` (password `reader`) can see library 1 (four books, four types);
 * book 5 sits in library 2, which `reader` cannot see. Hashes are the partial MD5 of
 * `seedBookBytes(id)`.
 */
export const DEFAULT_SEED: SeedData = Object.freeze({
  users: [
    { username: 'admin', password: 'admin', admin: true },
    { username: 'reader', password: 'reader' },
    { username: 'other', password: 'other' },
  ],
  koreaderUsers: [{ username: 'reader', password: 'reader', bookloreUser: 'reader' }],
  libraries: [
    { id: 1, name: 'Fiction', members: ['reader'] },
    { id: 2, name: 'Private', members: ['other'] },
  ],
  books: [
    seedBook(1, 1, 'Pride and Prejudice', ['Jane Austen'], 'EPUB', 'Pride and Prejudice - Jane Austen.epub', '9780141439518'),
    seedBook(2, 1, 'The Art of War', ['Sun Tzu'], 'PDF', 'The Art of War - Sun Tzu.pdf', '9781599869773'),
    seedBook(3, 1, 'Little Nemo in Slumberland', ['Winsor McCay'], 'CBX', 'Little Nemo in Slumberland.cbz'),
    seedBook(4, 1, 'Moby-Dick', ['Herman Melville'], 'FB2', 'Moby-Dick - Herman Melville.fb2', '9780142437247'),
    seedBook(5, 2, 'The Secret Garden', ['Frances Hodgson Burnett'], 'EPUB', 'The Secret Garden - Frances Hodgson Burnett.epub', '9780141321066'),
  ],
}) as SeedData;

/** The user `accessible` is reported for: `reader` if the seed has it, else the first non-admin. */
export function defaultUsername(seed: SeedData): string {
  if (seed.users.some((u) => u.username === 'reader')) return 'reader';
  return (seed.users.find((u) => u.admin !== true) ?? seed.users[0]!).username;
}
