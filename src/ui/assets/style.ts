// The page's stylesheet, served as /assets/style.css.
export const STYLE = `
:root { color-scheme: light dark; --accent: #2d6cdf; --bad: #b3261e; --ok: #1e7b34; --muted: #666; --line: #ccc; }
body { font: 15px/1.45 system-ui, sans-serif; margin: 0; }
header { display: flex; gap: 1.5em; align-items: center; padding: .6em 1.2em; border-bottom: 1px solid var(--line); flex-wrap: wrap; }
header nav a { margin-right: 1em; text-decoration: none; color: var(--accent); }
header nav a[aria-current=page] { font-weight: bold; text-decoration: underline; }
main { padding: 0 1.2em 2em; max-width: 1100px; }
h1 { font-size: 1.5em; }
h2 { font-size: 1.15em; margin: 0 0 .4em; }
.card { border: 1px solid var(--line); border-radius: 6px; padding: .8em 1em; margin: 0 0 1em; }
.counts { display: flex; gap: 1em; flex-wrap: wrap; margin: 0; }
.count { border: 1px solid var(--line); border-radius: 6px; padding: .5em .8em; min-width: 10em; }
.count dt { font-weight: bold; }
.count dd { margin: 0; }
.count dd[data-count] { font-size: 1.8em; }
.help, .note, figcaption { color: var(--muted); font-size: .9em; }
.banner { padding: .6em 1.2em; margin: .6em 1.2em; border-radius: 6px; border: 1px solid; }
.banner.ok, p.ok { border-color: var(--ok); color: var(--ok); }
.banner.error, p.error { border-color: var(--bad); color: var(--bad); }
table { border-collapse: collapse; width: 100%; margin: .5em 0; }
th, td { border-bottom: 1px solid var(--line); padding: .3em .5em; text-align: left; vertical-align: top; }
form.inline { display: inline; }
button, .button { font: inherit; padding: .3em .9em; border: 1px solid var(--accent); border-radius: 4px; background: transparent; color: var(--accent); cursor: pointer; text-decoration: none; display: inline-block; }
button.primary { background: var(--accent); color: #fff; }
button.danger, .button.danger { border-color: var(--bad); color: var(--bad); }
button:disabled { opacity: .5; cursor: progress; }
.filters a { margin-right: .8em; }
.filters a[aria-current] { font-weight: bold; }
.actions { margin: .8em 0; display: flex; gap: 1em; align-items: center; }
.pager { display: flex; justify-content: space-between; margin: .5em 0; }
.chart { width: 100%; height: auto; }
.chart .bar { fill: var(--accent); }
.chart .grid { stroke: var(--line); stroke-width: 1; }
.chart text { font-size: 12px; fill: currentColor; }
.search, .by-id { margin: .4em 0; }
code { font-size: .9em; }
`;
