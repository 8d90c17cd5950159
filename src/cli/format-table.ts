// Plain aligned columns for terminal output (no colours: output is often piped or logged).
export function formatTable(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(headers), ...rows.map(line)].join('\n');
}

/** A short human name for the book of a session: title, else id, else hash. */
export function describeBook(row: { bookTitle: string | null; bookId: number | null; bookHash: string | null }): string {
  const title = row.bookTitle && row.bookTitle.length > 32 ? `${row.bookTitle.slice(0, 31)}…` : row.bookTitle;
  const id = row.bookId === null ? (row.bookHash ? `hash ${row.bookHash.slice(0, 8)}…` : 'unknown book') : `#${row.bookId}`;
  return title ? `${title} (${id})` : id;
}
