// src/core must compile to Lua (TypeScriptToLua) and run inside KOReader: no Node or npm imports,
// and none of the JavaScript built-ins TypeScriptToLua cannot translate (DEVELOPERS.md).
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { REPO_ROOT } from './helpers/cli.js';

function coreFiles(dir = join(REPO_ROOT, 'src', 'core')): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? coreFiles(join(dir, entry.name)) : entry.name.endsWith('.ts') ? [join(dir, entry.name)] : [],
  );
}

function withoutCommentsAndStrings(source: string): string {
  return source
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/\/\/.*$/gm, '')
    .replace(/'(?:\\.|[^'\\])*'/g, "''")
    .replace(/`(?:\\.|[^`\\])*`/g, '``');
}

test('core imports only other core modules', () => {
  for (const file of coreFiles()) {
    for (const match of readFileSync(file, 'utf8').matchAll(/from\s+'([^']+)'/g)) {
      assert.ok(match[1]!.startsWith('./') || match[1]!.startsWith('../'), `${file} imports ${match[1]}`);
      assert.ok(!match[1]!.includes('../../'), `${file} imports outside src/core: ${match[1]}`);
    }
  }
});

test('core uses no RegExp, Date, JSON, Buffer, bigint, generators or process globals', () => {
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
  for (const file of coreFiles()) {
    const code = withoutCommentsAndStrings(readFileSync(file, 'utf8'));
    for (const [pattern, what] of forbidden) assert.doesNotMatch(code, pattern, `${file} uses ${what}`);
  }
});

// The store classes the KOReader plugin shares with the Node tool are compiled to Lua as well
// (koplugin/src/app.ts imports them), so the same limits hold for them.
const SHARED_STORE_MODULES = ['book-cache', 'session-queue', 'sqlite-sync-store', 'sync-lease', 'sql-database', 'our-migrations', 'plugin-schema', 'session-rows'];

test('store code shared with the KOReader plugin imports nothing from Node and uses no untranslatable built-ins', () => {
  const forbidden: [RegExp, string][] = [[/\bJSON\b/, 'JSON'], [/\bDate\b/, 'Date'], [/\bRegExp\b/, 'RegExp'], [/\bBuffer\b/, 'Buffer'], [/\bprocess\./, 'process']];
  for (const name of SHARED_STORE_MODULES) {
    const file = join(REPO_ROOT, 'src', 'store', `${name}.ts`);
    const source = readFileSync(file, 'utf8');
    for (const match of source.matchAll(/from\s+'([^']+)'/g)) {
      assert.ok(match[1]!.startsWith('./') || match[1]!.startsWith('../'), `${file} imports ${match[1]}, but the plugin compiles it to Lua`);
    }
    const code = withoutCommentsAndStrings(source);
    for (const [pattern, what] of forbidden) assert.doesNotMatch(code, pattern, `${file} uses ${what}, but the plugin compiles it to Lua`);
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
