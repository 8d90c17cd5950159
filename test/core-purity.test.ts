// src/core, src/store and src/app compile to Lua (TypeScriptToLua) and run inside KOReader: no Node
// or npm imports, and none of the JavaScript built-ins TypeScriptToLua cannot translate.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { test } from 'node:test';
import { REPO_ROOT } from './helpers/cli.js';

/**
 * The portable folders: compiled to Lua (TypeScriptToLua) for the KOReader plugin as well as run in
 * Node. The pure rules may use only themselves; the store and the application layer may use the
 * rules and each other. Everything else under src/ is a Node adapter or program.
 */
const PORTABLE: Record<string, string[]> = {
  core: ['core'],
  store: ['core', 'store'],
  app: ['core', 'store', 'app'],
};

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? tsFiles(join(dir, entry.name)) : entry.name.endsWith('.ts') ? [join(dir, entry.name)] : [],
  );
}

const SRC = join(REPO_ROOT, 'src');

function portableFiles(): [string, string[]][] {
  return Object.entries(PORTABLE).flatMap(([folder, allowed]) => tsFiles(join(SRC, folder)).map((file): [string, string[]] => [file, allowed]));
}

function withoutCommentsAndStrings(source: string): string {
  return source
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/\/\/.*$/gm, '')
    .replace(/'(?:\\.|[^'\\])*'/g, "''")
    .replace(/`(?:\\.|[^`\\])*`/g, '``');
}

test('the portable folders import only from the folders below them, never from Node or npm', () => {
  const files = portableFiles();
  assert.ok(files.length > 40, 'the portable folders are where they should be');
  for (const [file, allowed] of files) {
    for (const match of readFileSync(file, 'utf8').matchAll(/\bfrom\s+'([^']+)'|\bimport\('([^']+)'\)/g)) {
      const spec = (match[1] ?? match[2])!;
      assert.ok(spec.startsWith('./') || spec.startsWith('../'), `${file} imports ${spec}, but it is compiled to Lua`);
      const folder = relative(SRC, resolve(dirname(file), spec)).split(sep)[0]!;
      assert.ok(allowed.includes(folder), `${file} imports ${spec} (src/${folder}), but may use only ${allowed.map((f) => `src/${f}`).join(', ')}`);
    }
  }
});

test('the portable folders use no RegExp, Date, JSON, Buffer, bigint, generators or process globals', () => {
  const forbidden: [RegExp, string][] = [
    [/\bRegExp\b/, 'RegExp'],
    [/\bDate\b/, 'Date'],
    [/\bJSON\b/, 'JSON'],
    [/\bBuffer\b/, 'Buffer'],
    [/\bbigint\b|\bBigInt\b|\d+n\b/, 'bigint'],
    [/function\s*\*|\byield\b/, 'generators'],
    [/\bprocess\./, 'process'],
    [/\brequire\(/, 'require'],
    [/(^|[=(,:;!&|?{}\[]\s*)\/[^/*\s][^/\n]*\/[gimsuy]*\s*[.;,)]/m, 'a regular-expression literal'],
  ];
  for (const [file] of portableFiles()) {
    const code = withoutCommentsAndStrings(readFileSync(file, 'utf8'));
    for (const [pattern, what] of forbidden) assert.doesNotMatch(code, pattern, `${file} uses ${what}`);
  }
});

// KOReader's SQLite binding runs one statement per exec (better-sqlite3 runs them all), so a
// migration written as two statements in one string would silently do less on the device.
test('every schema step the plugin runs through exec is a single statement', async () => {
  const { OUR_MIGRATIONS } = await import('../src/store/our-migrations.js');
  const { PLUGIN_MIGRATIONS } = await import('../src/store/plugin-schema.js');
  const steps = [...OUR_MIGRATIONS.flatMap((m) => m.sql), ...PLUGIN_MIGRATIONS.flat().filter((s): s is string => typeof s === 'string')];
  assert.ok(steps.length > 20);
  for (const sql of steps) {
    const body = sql.replace(/'(?:''|[^'])*'/g, "''").replace(/--.*$/gm, '').trim().replace(/;$/, '');
    assert.ok(!body.includes(';'), `more than one statement in one exec: ${sql.slice(0, 80)}`);
  }
});
