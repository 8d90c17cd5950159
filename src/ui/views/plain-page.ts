// A page with no navigation and no outside resources, for requests that are refused before the
// access token is checked (wrong Host, no token): nothing there may need the token to load.
import { html } from 'hono/html';

export function plainPage(title: string, message: string, hint: string) {
  return html`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="referrer" content="no-referrer"><title>${title} · booklore-sync</title><link rel="icon" href="data:,"></head>
<body><main><h1>${title}</h1><p id="message">${message}</p><p>${hint}</p></main></body></html>`;
}
