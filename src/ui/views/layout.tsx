// The frame of every page: navigation, the one-time message, the live sync banner. Scripts and
// styles come from /assets (the Content-Security-Policy allows nothing inline).
import type { Context } from 'hono';
import type { PropsWithChildren } from 'hono/jsx';
import type { NavKey, PageProps, UiEnv } from '../ui-env.js';

const NAV: { key: NavKey; href: string; label: string }[] = [
  { key: 'overview', href: '/', label: 'Overview' },
  { key: 'queue', href: '/queue', label: 'Queue' },
  { key: 'unresolved', href: '/unresolved', label: 'Unresolved books' },
  { key: 'history', href: '/history', label: 'History' },
  { key: 'reading', href: '/reading', label: 'Reading' },
  { key: 'log', href: '/log', label: 'Sync log' },
];

export function Layout(props: PropsWithChildren<PageProps & { c: Context<UiEnv> }>) {
  const flash = props.c.get('flash');
  const csrf = props.c.get('csrf');
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="referrer" content="no-referrer" />
        <title>{`${props.title} · booklore-sync`}</title>
        <link rel="icon" href="data:," />
        <link rel="stylesheet" href="/assets/style.css" />
        <script src="/assets/app.js" defer></script>
      </head>
      <body>
        <header>
          <strong class="brand">booklore-sync</strong>
          <nav aria-label="Pages">
            {NAV.map((n) => (
              <a href={n.href} aria-current={n.key === props.nav ? 'page' : undefined}>
                {n.label}
              </a>
            ))}
          </nav>
        </header>
        <div id="connection" class="banner error" role="alert" hidden>
          The status page's server is not answering (stopped, or the machine is asleep). Nothing is lost: the queue is on disk. This page reconnects by itself.
        </div>
        {flash ? (
          <div class={`banner ${flash.kind}`} role={flash.kind === 'error' ? 'alert' : 'status'} id="flash">
            {flash.text}
            {flash.offerSync ? <SyncButton csrf={csrf} /> : null}
          </div>
        ) : null}
        <main>
          <h1>{props.title}</h1>
          {props.children}
        </main>
      </body>
    </html>
  );
}

export function CsrfField(props: { csrf: string }) {
  return <input type="hidden" name="_csrf" value={props.csrf} />;
}

export function SyncButton(props: { csrf: string }) {
  return (
    <form method="post" action="/sync" class="inline sync-form">
      <CsrfField csrf={props.csrf} />
      <button type="submit" class="primary">Sync Now</button>
    </form>
  );
}
