#!/usr/bin/env node
// `npm run build:koplugin`: the KOReader plugin folder dist/koplugin/booklore-sync.koplugin/
//
//   _meta.lua, main.lua,       KOReader glue (koplugin/lua/*.lua), copied as they are
//   booklore_sync_*.lua
//   booklore_sync_core.lua     src/core + koplugin/src compiled by TypeScriptToLua (LuaJIT),
//                              one bundle with TSTL's lualib inside
//
// TypeScript errors and TypeScriptToLua diagnostics, warnings included, fail the build: a TSTL
// warning (e.g. a number or string used as a condition: 0 and "" are true in Lua) means the Lua
// build would behave differently from the Node one.
//
// --if-stale: do nothing when the inputs have not changed since the last build (tests and the
// benchmark call it this way; concurrent callers wait for one another).
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const OUT_PARENT = join(ROOT, 'dist', 'koplugin');
export const PLUGIN_DIR = join(OUT_PARENT, 'booklore-sync.koplugin');
const STAMP = join(OUT_PARENT, '.build-stamp');
const LOCK = join(OUT_PARENT, '.build-lock');
const CONFIG = join(ROOT, 'tsconfig.koplugin.json');

/** Everything the bundle can depend on: the TypeScript it may import and the Lua glue. */
function inputFiles() {
  const files = [CONFIG, join(ROOT, 'koplugin', 'tstl-plugin.cjs'), join(ROOT, 'package-lock.json')];
  const walk = (dir) => {
    if (!existsSync(dir)) return;
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (/\.(ts|lua)$/.test(entry.name)) files.push(path);
    }
  };
  for (const dir of ['src/core', 'src/store', 'src/app', 'koplugin/src', 'koplugin/lua']) walk(join(ROOT, dir));
  return files.sort();
}

function inputsDigest() {
  const hash = createHash('sha256');
  for (const file of inputFiles()) {
    hash.update(relative(ROOT, file));
    hash.update('\0');
    hash.update(readFileSync(file));
    hash.update('\0');
  }
  return hash.digest('hex');
}

function isFresh(digest) {
  return existsSync(STAMP) && readFileSync(STAMP, 'utf8').trim() === digest && existsSync(join(PLUGIN_DIR, 'booklore_sync_core.lua'));
}

async function compile(outDir) {
  const ts = (await import('typescript')).default;
  const tstl = await import('typescript-to-lua');
  const result = tstl.transpileProject(CONFIG, { outDir });
  const host = { getCanonicalFileName: (f) => f, getCurrentDirectory: () => ROOT, getNewLine: () => '\n' };
  if (result.diagnostics.length > 0) {
    process.stderr.write(ts.formatDiagnosticsWithColorAndContext(result.diagnostics, host));
  }
  const blocking = result.diagnostics.filter(
    (d) => d.category === ts.DiagnosticCategory.Error || d.category === ts.DiagnosticCategory.Warning,
  );
  if (blocking.length > 0 || result.emitSkipped) {
    throw new Error(`build:koplugin: ${blocking.length} TypeScript/TypeScriptToLua problem(s); the Lua build would not match the Node build`);
  }
}

export async function buildKoplugin() {
  mkdirSync(OUT_PARENT, { recursive: true });
  const digest = inputsDigest();
  const work = join(OUT_PARENT, `.work-${process.pid}`);
  rmSync(work, { recursive: true, force: true });
  const staged = join(work, 'booklore-sync.koplugin');
  try {
    await compile(staged);
    for (const file of readdirSync(join(ROOT, 'koplugin', 'lua'))) {
      if (file.endsWith('.lua')) cpSync(join(ROOT, 'koplugin', 'lua', file), join(staged, file));
    }
    if (!existsSync(join(staged, 'booklore_sync_core.lua')) || !existsSync(join(staged, 'main.lua'))) {
      throw new Error('build:koplugin: the plugin folder is incomplete');
    }
    const old = join(work, 'previous');
    if (existsSync(PLUGIN_DIR)) renameSync(PLUGIN_DIR, old);
    renameSync(staged, PLUGIN_DIR);
    writeFileSync(STAMP, `${digest}\n`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return PLUGIN_DIR;
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Builds unless up to date; one builder at a time (a lock directory), the others wait for it. */
export async function buildKopluginIfStale() {
  mkdirSync(OUT_PARENT, { recursive: true });
  const deadline = Date.now() + 180_000;
  for (;;) {
    try {
      mkdirSync(LOCK);
      break;
    } catch (err) {
      if (err.code !== 'EEXIST') throw err;
      // A builder that died leaves its lock behind: take it over after a while.
      if (Date.now() - statSync(LOCK).mtimeMs > 120_000) rmSync(LOCK, { recursive: true, force: true });
      if (Date.now() > deadline) throw new Error(`build:koplugin: waited too long for ${LOCK}`);
      await sleep(100);
    }
  }
  try {
    if (!isFresh(inputsDigest())) await buildKoplugin();
  } finally {
    rmSync(LOCK, { recursive: true, force: true });
  }
  return PLUGIN_DIR;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const ifStale = process.argv.includes('--if-stale');
  (ifStale ? buildKopluginIfStale() : buildKoplugin()).then(
    (dir) => process.stdout.write(`${relative(process.cwd(), dir) || dir}\n`),
    (err) => {
      process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(1);
    },
  );
}
