// What `ui` and `watch --ui` print when the page is up: the address, and the access token only
// when it was just made and the output is not a log (it is never printed again; it stays in its
// 0600 file).
import { isLoopback, type ListenAddress } from './listen-address.js';
import type { UiServer } from './ui-server.js';

export interface AnnounceOptions {
  print: (line: string) => void;
  warn: (line: string) => void;
  /** False where the output is a log (the daemon's stdout). */
  showToken: boolean;
}

export function announceUi(server: UiServer, listen: ListenAddress, out: AnnounceOptions): void {
  if (!isLoopback(listen.host)) {
    out.warn(
      `the status page listens on ${listen.host}, reachable from other machines; anyone who has the access token can see your queue and start syncs. Use --listen 127.0.0.1:PORT to keep it on this machine`,
    );
  }
  if (server.newToken !== null && out.showToken) {
    out.print(`status page: open ${server.url}?token=${server.newToken}`);
    out.print(`(the access token is shown this once; it is kept in ${server.tokenFile}, readable only by you)`);
  } else {
    out.print(`status page: ${server.url} — open ${server.url}?token=TOKEN with the access token kept in ${server.tokenFile} (\`booklore-sync ui --new-token\` makes a new one)`);
  }
}
