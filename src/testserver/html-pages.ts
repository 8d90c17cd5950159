// The HTML bodies the server can answer with: BookLore's SPA index (the fallback for unknown
// paths, §1.3) and a captive-portal login page (the `html` fault).

export const SPA_INDEX_HTML = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>BookLore</title>
  <base href="/">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <link rel="icon" type="image/x-icon" href="favicon.ico">
  <link rel="stylesheet" href="styles.css">
</head>
<body>
  <app-root></app-root>
  <script src="polyfills.js" type="module"></script>
  <script src="main.js" type="module"></script>
</body>
</html>
`;

export const CAPTIVE_PORTAL_HTML = `<!doctype html>
<html>
<head><meta charset="utf-8"><title>Welcome - Guest Wi-Fi</title></head>
<body>
  <h1>Welcome to Guest Wi-Fi</h1>
  <p>Please accept the terms of use to continue browsing.</p>
  <form method="post" action="/login"><button type="submit">Accept and connect</button></form>
</body>
</html>
`;
