// The `wrong-range` fault (faults.ts): a 206 whose Content-Range does not describe the bytes sent,
// as a broken proxy or cache might give. The body is left as it is.

function shifted(value: string): string {
  const m = /^bytes (\d+)-(\d+)\/(\d+)$/.exec(value.trim());
  return m === null ? value : `bytes ${Number(m[1]) + 1}-${Number(m[2]) + 1}/${m[3]}`;
}

export function shiftedContentRange<T extends { status: number; headers: Record<string, string>; body: Buffer }>(response: T): T {
  if (response.status !== 206) return response;
  const single = response.headers['content-range'];
  if (single !== undefined) return { ...response, headers: { ...response.headers, 'content-range': shifted(single) } };
  // Multipart: the first part's header, in place (the same length is not needed: the body is re-made).
  const text = response.body.toString('latin1');
  const at = text.indexOf('Content-Range: ');
  if (at < 0) return response;
  const lineEnd = text.indexOf('\r\n', at);
  const changed = text.slice(0, at) + 'Content-Range: ' + shifted(text.slice(at + 'Content-Range: '.length, lineEnd)) + text.slice(lineEnd);
  return { ...response, body: Buffer.from(changed, 'latin1') };
}
