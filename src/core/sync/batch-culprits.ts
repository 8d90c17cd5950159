// X2: a 400 on a batch is all-or-nothing (booklore-server.md §1.2). When the server's details name
// items ("sessions[3].startTime: Start time is required") we know the culprits at once; otherwise
// the engine bisects.

/** Item index → the server's messages about it, from `details` of a "Validation error". */
export function culpritsFromDetails(details: string[], batchSize: number): Map<number, string[]> {
  const culprits = new Map<number, string[]>();
  const prefix = 'sessions[';
  for (const detail of details) {
    if (detail.substring(0, prefix.length) !== prefix) continue;
    let i = prefix.length;
    let index = 0;
    let digits = 0;
    while (i < detail.length) {
      const code = detail.charCodeAt(i);
      if (code < 48 || code > 57) break;
      index = index * 10 + (code - 48);
      digits++;
      i++;
    }
    if (digits === 0 || detail.charAt(i) !== ']' || index >= batchSize) continue;
    const messages = culprits.get(index);
    if (messages === undefined) culprits.set(index, [detail]);
    else messages.push(detail);
  }
  return culprits;
}
