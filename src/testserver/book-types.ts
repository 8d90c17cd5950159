// §1.1: BookLore's BookFileType enum, the only values Jackson accepts for `bookType`.
export const BOOK_TYPES = ['PDF', 'EPUB', 'CBX', 'FB2', 'MOBI', 'AZW3', 'AUDIOBOOK'] as const;

export type BookType = (typeof BOOK_TYPES)[number];

export function isBookType(value: unknown): value is BookType {
  return typeof value === 'string' && (BOOK_TYPES as readonly string[]).includes(value);
}
