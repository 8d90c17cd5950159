// `test-server`, the running part: starts the bundled BookLore-compatible server (src/testserver)
// and keeps it until SIGINT or SIGTERM. Prints the seed (who can log in, which books exist and
// their hashes), then `LISTENING <url>` once it accepts connections, so scripts can wait for it.
import { EXIT, type ExitCode } from '../app/exit-codes.js';
import {
  defaultUsername,
  describeFaultRule,
  FaultSpecError,
  loadSeedFile,
  NotOurDataFileError,
  parseFaultSpec,
  PortInUseError,
  PROFILES,
  SeedError,
  start,
  type FaultRule,
  type Profile,
  type SeedData,
  type TestServer,
} from '../testserver/index.js';
import { UserFacingError, usageError } from '../app/user-facing-error.js';
import type { CommandContext } from './context.js';
import { formatTable } from './format-table.js';

export interface TestServerOptions {
  port: string;
  host: string;
  profile: string;
  data?: string;
  latency?: string;
  seed?: string;
  accessTokenTtl?: string;
  fault: string[];
  admin: boolean;
  logRequests?: boolean;
}

const PROFILE_SUMMARY: Record<Profile, string> = {
  fork: 'WorldTeacher fork: batch endpoint, hash lookup, KOReader headers on session POSTs',
  upstream: 'upstream BookLore: single POST only, no hash lookup, JWT only on session POSTs',
};

function wholeNumber(option: string, text: string, min: number, max: number): number {
  if (!/^\d+$/.test(text.trim()) || Number(text) < min || Number(text) > max) {
    throw usageError(`${option} must be a whole number from ${min} to ${max}, not "${text}"`);
  }
  return Number(text);
}

function parseOptions(options: TestServerOptions): {
  port: number;
  host: string;
  profile: Profile;
  latencyMs: number;
  accessTokenTtlSeconds: number | undefined;
  faults: FaultRule[];
  seed: SeedData | undefined;
} {
  if (!(PROFILES as readonly string[]).includes(options.profile)) {
    throw usageError(`--profile must be ${PROFILES.join(' or ')}, not "${options.profile}"`);
  }
  const faults = options.fault.map((spec) => {
    try {
      return parseFaultSpec(spec);
    } catch (err) {
      if (err instanceof FaultSpecError) throw usageError(`--fault: ${err.message.replace(/^fault /, '')}`);
      throw err;
    }
  });
  let seed: SeedData | undefined;
  if (options.seed !== undefined) {
    try {
      seed = loadSeedFile(options.seed);
    } catch (err) {
      if (err instanceof SeedError) throw usageError(`--seed: ${err.message}`);
      throw err;
    }
  }
  if (options.host.trim() === '') throw usageError('--host must not be empty');
  return {
    port: wholeNumber('--port', options.port, 0, 65535),
    host: options.host,
    profile: options.profile as Profile,
    latencyMs: options.latency === undefined ? 0 : wholeNumber('--latency', options.latency, 0, 600_000),
    accessTokenTtlSeconds: options.accessTokenTtl === undefined ? undefined : wholeNumber('--access-token-ttl', options.accessTokenTtl, 1, 10 * 365 * 86400),
    faults,
    seed,
  };
}

export async function runTestServer(ctx: CommandContext, options: TestServerOptions): Promise<ExitCode> {
  const o = parseOptions(options);
  let server: TestServer;
  try {
    server = await start({
      port: o.port,
      host: o.host,
      profile: o.profile,
      latencyMs: o.latencyMs,
      faults: o.faults,
      admin: options.admin,
      ...(o.seed === undefined ? {} : { seed: o.seed }),
      ...(options.data === undefined ? {} : { dataFile: options.data }),
      ...(o.accessTokenTtlSeconds === undefined ? {} : { accessTokenTtlSeconds: o.accessTokenTtlSeconds }),
      ...(options.logRequests === true
        ? {
            onRequest: (e) =>
              ctx.info(`${e.method} ${e.path}${e.query ? `?${e.query}` : ''} → ${e.status ?? 'dropped'}${e.fault ? ` [fault ${e.fault}]` : ''}`),
          }
        : {}),
    });
  } catch (err) {
    if (err instanceof PortInUseError) {
      throw new UserFacingError(`cannot listen: ${err.message}; stop what uses it or pick another --port (0 = any free port)`);
    }
    if (options.data !== undefined && (err instanceof NotOurDataFileError || (err instanceof Error && /SQLITE|database|directory/i.test(`${(err as { code?: string }).code ?? ''} ${err.message}`)))) {
      throw new UserFacingError(`cannot use data file ${options.data}: ${err.message}`);
    }
    throw err;
  }

  printSummary(ctx, server, options.admin, o.latencyMs, o.faults);
  if (ctx.json) ctx.emitJson(summaryJson(server, options.admin, o.latencyMs, o.faults));
  else process.stdout.write(`LISTENING ${server.url}\n`);

  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    const onSignal = (s: NodeJS.Signals) => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      resolve(s);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
  await server.close();
  ctx.info(`test server stopped (${signal})`);
  return EXIT.ok;
}

function printSummary(ctx: CommandContext, server: TestServer, admin: boolean, latencyMs: number, faults: FaultRule[]): void {
  const seed = server.seed;
  const books = server.admin.books();
  ctx.print(`BookLore test server, profile ${server.profile} (${PROFILE_SUMMARY[server.profile]})`);
  ctx.print('');
  ctx.print('BookLore users (POST /api/v1/auth/login):');
  ctx.print(
    formatTable(
      ['username', 'password', 'role', 'libraries'],
      seed.users.map((u) => [
        u.username,
        u.password,
        u.admin === true ? 'admin' : 'user',
        u.admin === true ? 'all' : seed.libraries.filter((l) => l.members.includes(u.username)).map((l) => String(l.id)).join(', ') || 'none',
      ]),
    ).replace(/^/gm, '  '),
  );
  ctx.print('');
  ctx.print('KOReader users (x-auth-user, x-auth-key = MD5 of the password):');
  if (seed.koreaderUsers.length === 0) ctx.print('  none');
  else {
    ctx.print(
      formatTable(
        ['username', 'password', 'linked to'],
        seed.koreaderUsers.map((k) => [k.username, k.password, k.bookloreUser ?? '(not linked)']),
      ).replace(/^/gm, '  '),
    );
  }
  ctx.print('');
  ctx.print(`Books (accessible = ${defaultUsername(seed)} can see it):`);
  ctx.print(
    formatTable(
      ['id', 'type', 'hash', 'accessible', 'library', 'title'],
      books.map((b) => [String(b.id), b.bookType, b.hash, b.accessible ? 'yes' : 'no', `${b.libraryId} ${b.libraryName}`, b.title]),
    ).replace(/^/gm, '  '),
  );
  ctx.print('');
  ctx.print(`Latency: ${latencyMs} ms. Fault rules: ${faults.length === 0 ? 'none' : faults.map(describeFaultRule).join('; ')}.`);
  ctx.print(admin ? `Admin API: ${server.url}/__admin/ (books, sessions, faults, reset, expire-tokens, requests)` : 'Admin API: off');
}

function summaryJson(server: TestServer, admin: boolean, latencyMs: number, faults: FaultRule[]): unknown {
  return {
    url: server.url,
    port: server.port,
    profile: server.profile,
    admin,
    latencyMs,
    faults: faults.map(describeFaultRule),
    users: server.seed.users,
    koreaderUsers: server.seed.koreaderUsers,
    books: server.admin.books(),
  };
}
