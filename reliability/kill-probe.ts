// A preload for the crash torture (`node --import kill-probe.js bin/booklore-sync.js …`), never
// loaded by the product: it watches the SQL statements better-sqlite3 runs and, at the kill point
// named in BLS_TORTURE_PROBE, tells the harness on stderr and freezes the process so the harness's
// SIGKILL lands exactly there. BLS_TORTURE_PROBE_SKIP lets that many matches pass first. The Lua
// build has the same probe in its test stand-in for lua-ljsqlite3 (koplugin/test/standins).
import { writeSync } from 'node:fs';
import { createRequire } from 'node:module';
import { PROBE_MARKER, probeMatch, type ProbePoint } from './probe-points.js';

const point = process.env.BLS_TORTURE_PROBE as ProbePoint | undefined;
if (point) {
  let skip = Number(process.env.BLS_TORTURE_PROBE_SKIP ?? '0');
  let armed = false; // a watched statement ran inside a transaction: pause once it commits
  const pause = (label: string) => {
    writeSync(2, `\n${PROBE_MARKER} ${label}\n`);
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 120_000);
  };
  const Database = createRequire(import.meta.url)('better-sqlite3');
  const scratch = new Database(':memory:');
  const proto = Object.getPrototypeOf(scratch.prepare('SELECT 1'));
  scratch.close();
  const run = proto.run;
  proto.run = function probedRun(this: { source: string; database: { inTransaction: boolean } }, ...args: unknown[]) {
    const result = run.apply(this, args);
    const sql = this.source.trimStart();
    if (armed && /^COMMIT/i.test(sql)) {
      armed = false;
      pause(`${point} (committed)`);
    } else if (probeMatch(point, sql)) {
      if (skip > 0) skip--;
      else if (point === 'lease' || point === 'import-commit') {
        if (this.database.inTransaction) armed = true;
        else pause(point);
      } else pause(point);
    }
    return result;
  };
}
