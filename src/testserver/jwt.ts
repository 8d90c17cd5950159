// Minimal HS256 JWTs, shaped like the ones BookLore's JwtUtils issues (§2.1). The server also
// keeps each token's id in the database, so it can expire or revoke them on demand.
import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';

export interface JwtClaims {
  sub: string;
  userId: number;
  type: 'access' | 'refresh';
  jti: string;
  iat: number;
  exp: number;
}

function b64url(data: Buffer | string): string {
  return Buffer.from(data).toString('base64url');
}

export function signJwt(secret: Buffer, claims: Omit<JwtClaims, 'jti'>): { token: string; jti: string } {
  const jti = randomUUID();
  const head = `${b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }))}.${b64url(JSON.stringify({ ...claims, jti }))}`;
  const signature = createHmac('sha256', secret).update(head).digest('base64url');
  return { token: `${head}.${signature}`, jti };
}

/** The claims of a well-formed token with a good signature, or null. Expiry is checked by the caller. */
export function verifyJwt(secret: Buffer, token: string): JwtClaims | null {
  const parts = token.split('.');
  if (parts.length !== 3) return null;
  const [head, payload, signature] = parts as [string, string, string];
  const expected = createHmac('sha256', secret).update(`${head}.${payload}`).digest();
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Partial<JwtClaims>;
    if (typeof claims.jti !== 'string' || typeof claims.userId !== 'number' || (claims.type !== 'access' && claims.type !== 'refresh')) return null;
    return claims as JwtClaims;
  } catch {
    return null;
  }
}
