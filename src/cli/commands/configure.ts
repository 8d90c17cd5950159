// `configure`: saves the server, accounts and sync settings (mode 0600). Passwords come from
// $BOOKLORE_PASSWORD / $BOOKLORE_KOREADER_PASSWORD or a prompt, never from argv. By default only
// the refresh token of the BookLore login is kept, not the password (--store-password to keep it).
import type { Command } from 'commander';
import { createHash } from 'node:crypto';
import { connect } from '../../app/booklore-connection.js';
import { nodeRuntime } from '../../node/node-runtime.js';
import { normalizeServerUrl } from '../../core/booklore/server-url.js';
import { loadSettingsForRepair, saveSettings, settingsPath, type Settings } from '../../node/settings-file.js';
import { EXIT } from '../../app/exit-codes.js';
import { UserFacingError, usageError } from '../../app/user-facing-error.js';
import { action } from '../action.js';
import type { CommandContext } from '../context.js';
import { readSecret } from '../prompt-secret.js';

interface ConfigureOptions {
  server?: string;
  username?: string;
  koreaderUsername?: string;
  auth?: string;
  manualSyncOnly?: string;
  minDuration?: string;
  minPages?: string;
  detectionMode?: string;
  storePassword?: boolean;
  insecureTls?: string;
  timeout?: string;
  interval?: string;
  parallelUploads?: string;
}

function onOff(name: string, value: string): boolean {
  if (value === 'on' || value === 'true' || value === 'yes') return true;
  if (value === 'off' || value === 'false' || value === 'no') return false;
  throw usageError(`${name} takes on or off (got "${value}")`);
}

function wholeNumber(name: string, value: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < min || n > max) throw usageError(`${name} must be a whole number from ${min} to ${max} (got "${value}")`);
  return n;
}

function parseServer(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw usageError(`--server must be a URL such as http://booklore.local:6060 (got "${value}")`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw usageError(`--server must be an http or https URL (got "${value}")`);
  if (url.username || url.password) throw usageError('--server must not contain a user name or password; use --username and $BOOKLORE_PASSWORD');
  return normalizeServerUrl(url.toString());
}

function describe(settings: Settings): string[] {
  return [
    `server:             ${settings.server ?? '(not set)'}`,
    `auth:               ${settings.auth}`,
    `BookLore account:   ${settings.username ?? '(none)'}${settings.username ? ` (${settings.password ? 'password saved' : settings.refreshToken ? 'logged in; refresh token saved, password not saved' : 'not logged in'})` : ''}`,
    `KOReader account:   ${settings.koreaderUsername ?? '(none)'}${settings.koreaderKey ? ' (key saved)' : ''}`,
    `manual sync only:   ${settings.manualSyncOnly ? 'on' : 'off'}`,
    `detection:          ${settings.detection.mode} mode, ≥ ${settings.detection.minDurationSeconds} s, ≥ ${settings.detection.minPages} pages in pages mode`,
    `TLS certificates:   ${settings.insecureTls ? 'NOT checked (insecure, --insecure-tls on)' : 'checked'}`,
  ];
}

export function registerConfigure(program: Command): void {
  program
    .command('configure')
    .description('save the server, accounts and sync settings (passwords from $BOOKLORE_PASSWORD / $BOOKLORE_KOREADER_PASSWORD or a prompt)')
    .option('--server <url>', 'BookLore base URL, e.g. http://booklore.local:6060')
    .option('--username <name>', 'BookLore account (JWT); needed for upstream BookLore and for duplicate checks')
    .option('--koreader-username <name>', 'KOReader sync account (Settings → Devices → KOReader in BookLore)')
    .option('--auth <mode>', 'auto (default), jwt or koreader')
    .option('--store-password', 'keep the BookLore password (for unattended re-login) instead of only the refresh token')
    .option('--manual-sync-only <on|off>', 'Manual Sync Only: never sync automatically')
    .option('--min-duration <seconds>', 'detection rule: shortest session that counts (default 30)')
    .option('--min-pages <n>', 'detection rule in pages mode: fewest pages that count (default 5)')
    .option('--detection-mode <mode>', 'duration (default) or pages')
    .option('--insecure-tls <on|off>', 'accept a self-signed certificate (NOT recommended)')
    .option('--timeout <seconds>', 'network timeout per request (default 15)')
    .option('--interval <seconds>', 'how often `watch` syncs on its own (default 900)')
    .option('--parallel-uploads <n>', 'single uploads in flight on servers without batch upload (default 8, 1–32)')
    .action(action<ConfigureOptions>((ctx, options) => configure(ctx, options)));
}

/** The plain options: server, login kind, rules, timing. */
function applyOptions(current: Settings, o: ConfigureOptions): Settings {
  const next: Settings = { ...current, detection: { ...current.detection } };
  if (o.server !== undefined) {
    next.server = parseServer(o.server);
    if (next.server !== current.server) {
      // Tokens belong to the old server.
      delete next.accessToken;
      delete next.refreshToken;
    }
  }
  if (o.auth !== undefined) {
    if (!['auto', 'jwt', 'koreader'].includes(o.auth)) throw usageError(`--auth takes auto, jwt or koreader (got "${o.auth}")`);
    next.auth = o.auth as Settings['auth'];
  }
  if (o.manualSyncOnly !== undefined) next.manualSyncOnly = onOff('--manual-sync-only', o.manualSyncOnly);
  if (o.insecureTls !== undefined) next.insecureTls = onOff('--insecure-tls', o.insecureTls);
  if (o.minDuration !== undefined) next.detection.minDurationSeconds = wholeNumber('--min-duration', o.minDuration, 0, 86400);
  if (o.minPages !== undefined) next.detection.minPages = wholeNumber('--min-pages', o.minPages, 0, 100000);
  if (o.detectionMode !== undefined) {
    if (o.detectionMode !== 'duration' && o.detectionMode !== 'pages') throw usageError(`--detection-mode takes duration or pages (got "${o.detectionMode}")`);
    next.detection.mode = o.detectionMode;
  }
  if (o.timeout !== undefined) next.timeoutSeconds = wholeNumber('--timeout', o.timeout, 1, 600);
  if (o.interval !== undefined) next.syncIntervalSeconds = wholeNumber('--interval', o.interval, 10, 7 * 86400);
  if (o.parallelUploads !== undefined) next.parallelUploads = wholeNumber('--parallel-uploads', o.parallelUploads, 1, 32);
  return next;
}

/** KOReader account: only the MD5 of its password is kept (what BookLore compares, §2.1). */
async function applyKoreaderAccount(next: Settings, username: string): Promise<void> {
  next.koreaderUsername = username;
  const key = process.env.BOOKLORE_KOREADER_KEY;
  if (key !== undefined && key !== '') {
    if (!/^[0-9a-fA-F]{32}$/.test(key)) throw usageError('$BOOKLORE_KOREADER_KEY must be the 32-hex-digit MD5 of the KOReader password');
    next.koreaderKey = key.toLowerCase();
  } else {
    const password = await readSecret('BOOKLORE_KOREADER_PASSWORD', `KOReader password for ${username}: `);
    next.koreaderKey = createHash('md5').update(password, 'utf8').digest('hex');
  }
}

/** BookLore account: logs in now so only the tokens need keeping (the password too with --store-password). */
async function applyBookLoreAccount(ctx: CommandContext, next: Settings, o: ConfigureOptions): Promise<void> {
  const username = o.username ?? next.username;
  if (!username) throw usageError('--store-password needs a BookLore account: add --username NAME');
  if (!next.server) throw usageError('give --server too: logging in needs the server');
  const password = await readSecret('BOOKLORE_PASSWORD', `BookLore password for ${username}: `);
  next.username = username;
  delete next.accessToken;
  delete next.refreshToken;
  delete next.password;
  if (o.storePassword) next.password = password;
  // Tokens are saved with the rest of `next`; the TLS opt-out is warned about once, by configure.
  const runtime = { ...nodeRuntime(ctx.home), settings: { load: () => next, saveTokens: () => {} }, warn: () => {} };
  const login = await connect(runtime, { ...next, username, password }).logIn(username, password);
  if (login.ok) {
    next.accessToken = login.tokens.accessToken;
    next.refreshToken = login.tokens.refreshToken;
    ctx.info(`logged in to ${next.server} as ${username}`);
    return;
  }
  if (login.failure.kind === 'auth') throw new UserFacingError(`${login.failure.message}; nothing was saved`, EXIT.credentials);
  if (!o.storePassword) {
    throw new UserFacingError(
      `cannot log in now (${login.failure.message}); nothing was saved. Run again when the server is reachable, or add --store-password to save the password and log in at the next sync`,
    );
  }
  ctx.info(`could not log in now (${login.failure.message}); the password is saved and the login will happen at the next sync`);
}

async function configure(ctx: CommandContext, o: ConfigureOptions): Promise<0 | 1 | 2 | 3 | 4> {
  const next = applyOptions(loadSettingsForRepair(ctx.home, (message) => ctx.warn(message)), o);
  if (o.koreaderUsername !== undefined) await applyKoreaderAccount(next, o.koreaderUsername);
  if (o.username !== undefined || o.storePassword) await applyBookLoreAccount(ctx, next, o);

  saveSettings(ctx.home, next);
  if (next.insecureTls) ctx.warn('TLS certificate checks are OFF for this server: anyone on the network could read your login');
  ctx.info(`saved ${settingsPath(ctx.home)} (mode 0600)`);
  ctx.print(describe(next).join('\n'));
  ctx.emitJson({
    server: next.server ?? null,
    auth: next.auth,
    username: next.username ?? null,
    koreaderUsername: next.koreaderUsername ?? null,
    passwordSaved: Boolean(next.password),
    loggedIn: Boolean(next.refreshToken),
    manualSyncOnly: next.manualSyncOnly,
    detection: next.detection,
    insecureTls: next.insecureTls,
  });
  return EXIT.ok;
}
