// `npm run torture:mutants [-- --all] [--only id,id]`: every mutant in reliability/mutants.json
// must fail the crash torture, the fault matrix or a targeted test; exits 1 if one survives (a test
// is missing), 2 if an anchor no longer matches the source. --all runs every check of every
// mutant (for the README's table) instead of stopping at the first that fails it, after running
// each check once on the unchanged code (the baseline: all must pass).
import { AnchorError, runMutants } from './mutants.js';

const all = process.argv.includes('--all');
const onlyIndex = process.argv.indexOf('--only');
const only = onlyIndex < 0 ? undefined : process.argv[onlyIndex + 1]!.split(',');
const started = Date.now();
try {
  const results = await runMutants({
    quick: !all,
    baseline: all,
    ...(only ? { only } : {}),
    onCheck: (id, r) => process.stderr.write(`  ${id}: ${r.check}: ${r.caught ? `FAILS it (${r.failing} of ${r.of}: ${r.names.join('; ')})` : `passes (${r.of})`} [${r.seconds} s]\n`),
    onResult: (r) =>
      process.stderr.write(r.id === 'baseline' ? `${r.caught ? 'BASELINE FAILS' : 'baseline passes'}: ${r.title}\n` : `${r.caught ? 'caught  ' : 'SURVIVED'} ${r.id}: ${r.title}\n`),
  });
  process.stdout.write(`\n| mutant | caught by (failing trials or tests) | passed |\n|---|---|---|\n`);
  for (const r of results) {
    const by = r.results.filter((c) => c.caught).map((c) => `${c.check}: ${c.failing} of ${c.of}`).join('; ') || (r.id === 'baseline' ? 'nothing fails (as it must)' : '**nothing: survived**');
    const passed = r.results.filter((c) => !c.caught).map((c) => c.check).join('; ') || '—';
    process.stdout.write(`| ${r.id}: ${r.title} | ${by} | ${passed} |\n`);
  }
  const baseline = results.find((r) => r.id === 'baseline');
  if (baseline?.caught) process.stdout.write(`FLAKY: on the unchanged code ${baseline.results.filter((c) => c.caught).map((c) => c.check).join('; ')} failed\n`);
  const survivors = results.filter((r) => !r.caught && r.id !== 'baseline');
  const mutants = results.filter((r) => r.id !== 'baseline').length;
  process.stdout.write(`\n${mutants - survivors.length} of ${mutants} mutants caught in ${Math.round((Date.now() - started) / 1000)} s\n`);
  if (baseline?.caught) process.exit(1);
  if (survivors.length > 0) {
    process.stdout.write(`SURVIVED: ${survivors.map((s) => s.id).join(', ')}: add the test that catches each\n`);
    process.exit(1);
  }
} catch (err) {
  process.stderr.write(`torture:mutants: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(err instanceof AnchorError ? 2 : 1);
}
