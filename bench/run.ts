// `npm run bench`: measures every figure the issues ask for, prints a table and writes
// bench/results.json ({"name": {"value", "unit", "note"}}). Never part of `npm test`.
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { measureEnqueue } from './enqueue.js';
import type { Figures } from './figure.js';
import { measureFingerprint } from './fingerprint.js';
import { measureImport } from './import.js';
import { measureLuaDrain } from './lua-drain.js';
import { measureServerThroughput } from './server-throughput.js';
import { measureStock } from './stock.js';
import { measureSync } from './sync.js';
import { measureUiOverview } from './ui-overview.js';

const RESULTS = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'bench', 'results.json');

type Section = { name: string; run: () => Figures | Promise<Figures> };

const SECTIONS: Section[] = [
  { name: 'queue', run: measureEnqueue },
  { name: 'fingerprint', run: measureFingerprint },
  { name: 'server', run: measureServerThroughput },
  { name: 'sync', run: measureSync },
  { name: 'stock', run: measureStock },
  { name: 'import', run: measureImport },
  { name: 'lua', run: measureLuaDrain },
  { name: 'ui', run: measureUiOverview },
];

async function main(): Promise<void> {
  const only = process.argv.slice(2);
  const figures: Figures = {};
  for (const section of SECTIONS) {
    if (only.length > 0 && !only.includes(section.name)) continue;
    process.stderr.write(`bench: ${section.name}…\n`);
    Object.assign(figures, await section.run());
  }
  const rows = Object.entries(figures).map(([name, f]) => [name, `${f.value} ${f.unit}`, f.note]);
  const widths = [0, 1].map((i) => Math.max(...rows.map((r) => r[i]!.length)));
  for (const [name, value, note] of rows) {
    process.stdout.write(`${name!.padEnd(widths[0]!)}  ${value!.padStart(widths[1]!)}  ${note}\n`);
  }
  writeFileSync(RESULTS, `${JSON.stringify(figures, null, 2)}\n`);
  process.stdout.write(`\nwrote ${RESULTS}\n`);
}

main().catch((err) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
