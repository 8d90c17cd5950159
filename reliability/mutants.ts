// The mutant check (`npm run torture:mutants`): the crash torture and the fault matrix must fail on
// deliberately broken variants of the store and the engine (reliability/mutants.json). The source is
// copied once to a scratch folder with the current build (dist/ and its incremental build info), so
// each mutant costs one incremental `tsc` of the files it touches plus its checks. A patch whose
// anchor text is not found exactly once stops the run: a refactor must not silently disarm a mutant.
import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const DIST = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const REPO = resolve(DIST, '..');
export const MUTANTS_FILE = join(REPO, 'reliability', 'mutants.json');

export interface Patch {
  file: string;
  find: string;
  replace: string;
}

export type Check = { torture: { points: string[]; trials: number; seed: number } } | { test: string; pattern?: string };

export interface Mutant {
  id: string;
  title: string;
  patches: Patch[];
  checks: Check[];
}

export interface CheckResult {
  check: string;
  caught: boolean;
  /** Failing trials (torture) or failing tests, of how many run. */
  failing: number;
  /** The failing tests' names, or the torture's failing seeds. */
  names: string[];
  of: number;
  seconds: number;
}

export interface MutantResult {
  id: string;
  title: string;
  caught: boolean;
  results: CheckResult[];
}

export class AnchorError extends Error {
  override name = 'AnchorError';
}

export function loadMutants(file = MUTANTS_FILE): Mutant[] {
  return (JSON.parse(readFileSync(file, 'utf8')) as { mutants: Mutant[] }).mutants;
}

/** The text with every patch applied; throws AnchorError unless each anchor occurs exactly once. */
export function applyPatches(text: string, patches: Patch[], file: string, mutant: string): string {
  let out = text;
  for (const patch of patches) {
    const count = out.split(patch.find).length - 1;
    if (count !== 1) {
      throw new AnchorError(`mutant ${mutant}: the anchor in ${file} occurs ${count} times, not once; update reliability/mutants.json:\n${patch.find}`);
    }
    out = out.replace(patch.find, () => patch.replace);
  }
  return out;
}

/** The environment for checks: without node:test's marker, or a nested `node --test` run from a test reports to its parent instead of running. */
function checkEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.NODE_TEST_CONTEXT;
  return env;
}

function exec(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = checkEnv()): Promise<{ code: number | null; out: string }> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.on('error', reject);
    child.on('close', (code) => resolvePromise({ code, out }));
  });
}

/** A copy of the sources and the current build, ready for incremental builds. */
function prepareScratch(): string {
  const scratch = mkdtempSync(join(tmpdir(), 'bls-mutants-'));
  for (const entry of ['src', 'test', 'bench', 'reliability', 'bin', 'koplugin', 'scripts', 'tsconfig.json', 'package.json']) {
    cpSync(join(REPO, entry), join(scratch, entry), { recursive: true });
  }
  cpSync(DIST, join(scratch, 'dist'), { recursive: true, filter: (source) => !source.startsWith(join(DIST, 'koplugin')) });
  symlinkSync(realpathSync(join(REPO, 'node_modules')), join(scratch, 'node_modules'), 'dir');
  return scratch;
}

async function build(scratch: string): Promise<void> {
  const result = await exec(process.execPath, [join(scratch, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json'], scratch);
  if (result.code !== 0) throw new Error(`tsc failed in ${scratch}:\n${result.out}`);
}

function describe(check: Check): string {
  if ('torture' in check) return `torture ${check.torture.points.join('+')} ×${check.torture.trials} (seed ${check.torture.seed})`;
  return `test ${check.test}${check.pattern ? ` /${check.pattern}/` : ''}`;
}

async function runCheck(scratch: string, check: Check): Promise<CheckResult> {
  const started = Date.now();
  let result: { code: number | null; out: string };
  let failing: number;
  let of: number;
  let names: string[];
  if ('torture' in check) {
    const { points, trials, seed } = check.torture;
    result = await exec(process.execPath, ['dist/reliability/torture-cli.js', '--trials', String(trials), '--seed', String(seed), '--points', points.join(',')], scratch);
    names = result.out.split('\n').filter((l) => l.startsWith('FAIL')).map((l) => l.split(' ').slice(1, 3).join(' '));
    failing = names.length;
    of = trials;
  } else {
    const args = ['--test', '--test-reporter=tap', ...(check.pattern ? [`--test-name-pattern=${check.pattern}`] : []), `dist/test/${check.test}.test.js`];
    result = await exec(process.execPath, args, scratch);
    failing = Number(/^# fail (\d+)/m.exec(result.out)?.[1] ?? 0);
    names = [...result.out.matchAll(/^\s*not ok \d+ - (.*)$/gm)].map((m) => m[1]!).filter((n) => !n.startsWith('fault matrix:'));
    of = Number(/^# tests (\d+)/m.exec(result.out)?.[1] ?? 0);
    if (of === 0) throw new Error(`${describe(check)} ran no test:\n${result.out}`);
  }
  return { check: describe(check), caught: result.code !== 0, failing, of, names, seconds: Math.round((Date.now() - started) / 1000) };
}

/**
 * Applies each mutant in a scratch copy, builds, and runs its checks (all of them, or in `quick`
 * mode until one fails it). A mutant no check fails has survived: a test is missing.
 */
export async function runMutants(options: { quick: boolean; only?: string[]; baseline?: boolean; onResult?: (r: MutantResult) => void; onCheck?: (id: string, r: CheckResult) => void }): Promise<MutantResult[]> {
  const mutants = loadMutants().filter((m) => !options.only || options.only.includes(m.id));
  const scratch = prepareScratch();
  const results: MutantResult[] = [];
  try {
    if (options.baseline) {
      // every check once on the unchanged code: a check that fails here proves nothing about a mutant
      const seen = new Map(mutants.flatMap((m) => m.checks).map((c) => [describe(c), c]));
      const checks: CheckResult[] = [];
      for (const check of seen.values()) {
        const r = await runCheck(scratch, check);
        checks.push(r);
        options.onCheck?.('baseline', r);
      }
      const result = { id: 'baseline', title: 'the unchanged code (every check must pass)', caught: checks.some((c) => c.caught), results: checks };
      results.push(result);
      options.onResult?.(result);
    }
    for (const mutant of mutants) {
      const originals = new Map<string, string>();
      for (const patch of mutant.patches) {
        if (!originals.has(patch.file)) originals.set(patch.file, readFileSync(join(scratch, patch.file), 'utf8'));
      }
      try {
        for (const [file, text] of originals) {
          writeFileSync(join(scratch, file), applyPatches(text, mutant.patches.filter((p) => p.file === file), file, mutant.id));
        }
        await build(scratch);
        const checks: CheckResult[] = [];
        for (const check of mutant.checks) {
          const r = await runCheck(scratch, check);
          checks.push(r);
          options.onCheck?.(mutant.id, r);
          if (r.caught && options.quick) break;
        }
        const result = { id: mutant.id, title: mutant.title, caught: checks.some((c) => c.caught), results: checks };
        results.push(result);
        options.onResult?.(result);
      } finally {
        for (const [file, text] of originals) writeFileSync(join(scratch, file), text);
      }
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  return results;
}
