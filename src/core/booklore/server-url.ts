// A server address as the client uses it and as remembered capabilities are keyed: trimmed, no trailing slash.

export function normalizeServerUrl(url: string): string {
  let text = url.trim();
  while (text.length > 0 && text.charAt(text.length - 1) === '/') text = text.substring(0, text.length - 1);
  return text;
}
