// Whether a server certificate was issued for the host we connected to (RFC 6125, as browsers and
// Node's tls.checkServerIdentity do it). Node checks this itself; the KOReader plugin needs it
// because LuaSec only checks that a certificate chains to a trusted authority.

export interface CertificateNames {
  /** subjectAltName dNSName entries. */
  dnsNames: readonly string[];
  /** subjectAltName iPAddress entries, as text. */
  ipAddresses: readonly string[];
  /** The subject's commonName; only consulted when the certificate has no dNSName. */
  commonName: string | null;
}

function normalized(name: string): string {
  const lower = name.toLowerCase();
  return lower.length > 1 && lower.endsWith('.') ? lower.substring(0, lower.length - 1) : lower;
}

function isDigits(text: string): boolean {
  if (text.length === 0 || text.length > 3) return false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/** An IPv4 literal (four decimal parts) or an IPv6 one (has a colon, maybe in brackets). */
export function isIpLiteral(host: string): boolean {
  if (host.includes(':')) return true;
  const parts = host.split('.');
  return parts.length === 4 && parts.every(isDigits);
}

/** One dNSName pattern against a host name: exact, or `*.rest` covering exactly one more label. */
function patternMatches(pattern: string, host: string): boolean {
  const p = normalized(pattern);
  if (!p.startsWith('*.')) return p === host;
  const rest = p.substring(2);
  // "*.com" would cover a whole top-level domain: never accepted.
  if (!rest.includes('.') || rest.includes('*')) return false;
  const firstDot = host.indexOf('.');
  return firstDot > 0 && host.substring(firstDot + 1) === rest;
}

export function certificateCoversHost(names: CertificateNames, host: string): boolean {
  let name = normalized(host);
  if (name.startsWith('[') && name.endsWith(']')) name = name.substring(1, name.length - 1);
  if (isIpLiteral(name)) return names.ipAddresses.some((ip) => ip.toLowerCase() === name);
  const patterns = names.dnsNames.length > 0 ? names.dnsNames : names.commonName !== null ? [names.commonName] : [];
  return patterns.some((pattern) => patternMatches(pattern, name));
}

/** The names a certificate covers, for a message. */
export function describeCertificateNames(names: CertificateNames): string {
  const all = [...names.dnsNames, ...names.ipAddresses];
  if (all.length === 0 && names.commonName !== null) all.push(names.commonName);
  return all.length === 0 ? 'no name' : all.join(', ');
}
