// BookLore's book type for a file name. Unknown extensions are not guessed: the plugin maps them
// all to EPUB, which files sessions under the wrong type (plugin-db.md, defects).
import type { BookType } from './session.js';

const BY_EXTENSION: Record<string, BookType> = {
  pdf: 'PDF',
  epub: 'EPUB',
  kepub: 'EPUB',
  cbz: 'CBX',
  cbr: 'CBX',
  cb7: 'CBX',
  cbt: 'CBX',
  fb2: 'FB2',
  fbz: 'FB2',
  mobi: 'MOBI',
  azw3: 'AZW3',
  azw: 'AZW3',
  m4b: 'AUDIOBOOK',
  m4a: 'AUDIOBOOK',
  mp3: 'AUDIOBOOK',
  opus: 'AUDIOBOOK',
  ogg: 'AUDIOBOOK',
  flac: 'AUDIOBOOK',
};

/** The extension after the last dot of the last path segment, lower-cased ("" when none). */
export function fileExtension(path: string): string {
  let start = path.length;
  for (let i = path.length - 1; i >= 0; i--) {
    const ch = path.charAt(i);
    if (ch === '/' || ch === '\\') return '';
    if (ch === '.') {
      start = i + 1;
      break;
    }
  }
  return start >= path.length ? '' : path.substring(start).toLowerCase();
}

export function bookTypeForFile(path: string): BookType | null {
  let ext = fileExtension(path);
  // "book.fb2.zip" is FictionBook too
  if (ext === 'zip' && fileExtension(path.substring(0, path.length - 4)) === 'fb2') ext = 'fb2';
  return BY_EXTENSION[ext] ?? null;
}

/** The file name without directory and extension: the plugin's fallback title. */
export function titleFromPath(path: string): string {
  let start = 0;
  for (let i = path.length - 1; i >= 0; i--) {
    const ch = path.charAt(i);
    if (ch === '/' || ch === '\\') {
      start = i + 1;
      break;
    }
  }
  const name = path.substring(start);
  const ext = fileExtension(name);
  return ext === '' ? name : name.substring(0, name.length - ext.length - 1);
}
