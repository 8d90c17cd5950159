// The socket LuaSocket's socket.http talks through: LuaSocket's own (and LuaSec's for https),
// wrapped to follow which step a request is at (connecting, sending, waiting for the answer,
// reading it), to keep every step within the request's deadline, to check the certificate's host
// name, and to keep the status line and headers as they arrive.
import { certificateCoversHost, describeCertificateNames, type CertificateNames } from '../../src/core/certificate-host.js';
import { luaRequire, type LuaSec, type LuaSocket, type TcpSocket, type TlsSocket } from './lua-libs.js';

export type Stage = 'connect' | 'send' | 'wait' | 'read';

export interface SocketTracker {
  stage: Stage;
  error: string | null;
}

/** The status line and headers as received, so an answer cut at a byte limit still has them. */
export interface ResponseHead {
  lines: string[];
  done: boolean;
}

export interface TrackedSocketParams {
  socketLib: LuaSocket;
  /** LuaSec's parameters for https, or null. */
  tls: LuaTable<string, unknown> | null;
  insecure: boolean;
  /** Seconds left before the request's deadline. */
  remaining: () => number;
  tracker: SocketTracker;
  head: ResponseHead;
}

/** LuaSec checks the chain only; the name is ours to check. A message when it does not match, else null. */
function hostMismatch(tlsSock: TlsSocket, host: string): string | null {
  const cert = tlsSock.getpeercertificate();
  if (cert === undefined) return 'the server sent no certificate';
  const san = cert.extensions()?.get('2.5.29.17');
  const list = (key: string): string[] => {
    const value = san?.get(key);
    return type(value) === 'table' ? (value as string[]).filter((entry) => type(entry) === 'string') : [];
  };
  let commonName: string | null = null;
  for (const entry of cert.subject() ?? []) {
    if (entry.oid === '2.5.4.3' && entry.value !== undefined) commonName = entry.value;
  }
  const names: CertificateNames = { dnsNames: list('dNSName'), ipAddresses: list('iPAddress'), commonName };
  if (certificateCoversHost(names, host)) return null;
  return `${NAME_MISMATCH} ${host} (it is for ${describeCertificateNames(names)})`;
}

export const NAME_MISMATCH = 'the certificate is not for';


/** socket.http's `create`: a new tracked socket per connection. */
export function trackedSocketFactory(params: TrackedSocketParams): (this: void) => object {
  const { socketLib, tls, insecure, remaining, tracker, head } = params;
  return () => {
    const [tcp, createError] = socketLib.tcp();
    if (tcp === undefined) {
      tracker.error = createError ?? 'cannot create a socket';
      return {
        connect: () => $multi(undefined, tracker.error),
        settimeout: () => 1,
        close: () => 1,
      };
    }
    let sock: TcpSocket = tcp;
    /** Connects (and for https, wraps in TLS and checks the certificate); an error message, or undefined. */
    const connectSocket = (host: string, port: number): string | undefined => {
      sock.settimeout(remaining());
      const [connected, err] = sock.connect(host, port);
      if (connected === undefined) {
        tracker.error = err ?? 'connect failed';
        return tracker.error;
      }
      if (tls !== null) {
        const ssl = luaRequire<LuaSec>('ssl');
        const [wrapped, wrapError] = ssl.wrap(sock, tls);
        if (wrapped === undefined) {
          tracker.error = `TLS failed: ${wrapError ?? 'unknown reason'}`;
          return tracker.error;
        }
        const tlsSock: TlsSocket = wrapped;
        tlsSock.sni(host);
        tlsSock.settimeout(remaining());
        const [shaken, handshakeError] = tlsSock.dohandshake();
        if (!shaken) {
          tracker.error = `TLS handshake failed: ${handshakeError ?? 'unknown reason'}`;
          return tracker.error;
        }
        sock = tlsSock;
        if (!insecure) {
          const mismatch = hostMismatch(tlsSock, host);
          if (mismatch !== null) {
            tracker.error = mismatch;
            return tracker.error;
          }
        }
      }
      return undefined;
    };
    const wrapper = {
      settimeout(this: void): number {
        sock.settimeout(remaining());
        return 1;
      },
      connect(this: void, _self: unknown, host: string, port: number): LuaMultiReturn<[number | undefined, string | undefined]> {
        const [fine, result] = pcall(() => connectSocket(host, port));
        if (!fine) tracker.error = tostring(result);
        if (!fine || result !== undefined) return $multi(undefined, tracker.error ?? 'connect failed');
        tracker.stage = 'send';
        return $multi(1, undefined);
      },
      send(this: void, _self: unknown, data: string, i?: number, j?: number) {
        sock.settimeout(remaining());
        const [sent, err, last] = sock.send(data, i, j);
        if (sent === undefined) tracker.error = err ?? 'send failed';
        return $multi(sent, err, last);
      },
      receive(this: void, _self: unknown, pattern?: string | number, prefix?: string) {
        if (tracker.stage === 'send') tracker.stage = 'wait';
        sock.settimeout(remaining());
        const [data, err, partial] = sock.receive(pattern, prefix);
        if (data !== undefined && !head.done && (pattern === undefined || pattern === '*l')) {
          if (data === '') head.done = true;
          else head.lines.push(data);
        }
        if (data !== undefined) tracker.stage = 'read';
        else tracker.error = err ?? 'receive failed';
        return $multi(data, err, partial);
      },
      close(this: void): number {
        sock.close();
        return 1;
      },
      setoption(this: void, _self: unknown, name: string, value: unknown) {
        return sock.setoption(name, value);
      },
      getfd(this: void) {
        return sock.getfd();
      },
      dirty(this: void) {
        return sock.dirty();
      },
    };
    return wrapper;
  };
}
