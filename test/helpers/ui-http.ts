// A minimal browser stand-in over real HTTP for the status page's non-browser tests: keeps the
// session cookie, reads the CSRF token from forms, and does not follow redirects.
import { request } from 'node:http';

export interface Answer {
  status: number;
  location: string | null;
  setCookie: string | null;
  text: string;
}

export class PageClient {
  cookie: string | null = null;

  constructor(readonly base: string) {}

  async send(path: string, init: { method?: string; form?: Record<string, string>; headers?: Record<string, string> } = {}): Promise<Answer> {
    const headers: Record<string, string> = { ...(init.headers ?? {}) };
    if (this.cookie) headers.cookie = this.cookie;
    let body: string | undefined;
    if (init.form) {
      body = new URLSearchParams(init.form).toString();
      headers['content-type'] = 'application/x-www-form-urlencoded';
    }
    const res = await fetch(`${this.base}${path}`, { method: init.method ?? (init.form ? 'POST' : 'GET'), headers, body, redirect: 'manual' });
    return { status: res.status, location: res.headers.get('location'), setCookie: res.headers.get('set-cookie'), text: await res.text() };
  }

  /** ?token=… once, then the cookie it gives. */
  async logIn(token: string): Promise<Answer> {
    const answer = await this.send(`/?token=${encodeURIComponent(token)}`);
    if (answer.setCookie) this.cookie = answer.setCookie.split(';')[0]!;
    return answer;
  }

  /** GET, and follow one redirect (a POST's answer) to its page. */
  async follow(answer: Answer): Promise<Answer> {
    if (answer.location === null) return answer;
    return this.send(answer.location);
  }
}

export function csrfOf(html: string): string {
  const match = /name="_csrf" value="([^"]+)"/.exec(html);
  if (!match) throw new Error('no CSRF field on the page');
  return match[1]!;
}

/** A raw GET with a Host header of our choosing (fetch does not let us set it). */
export function getWithHost(base: string, path: string, host: string, cookie: string | null): Promise<{ status: number; text: string }> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const req = request(
      { host: url.hostname, port: url.port, path, headers: { host, ...(cookie ? { cookie } : {}) } },
      (res) => {
        let text = '';
        res.setEncoding('utf8').on('data', (d: string) => (text += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

/** Visible text of a page, roughly: tags dropped, entities of quotes restored. */
export function textOf(html: string): string {
  return html.replace(/<[^>]+>/g, ' ').replace(/&#39;/g, "'").replace(/&quot;/g, '"').replace(/&amp;/g, '&').replace(/\s+/g, ' ');
}
