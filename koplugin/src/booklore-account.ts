// The Settings menu's BookLore account: the plugin logs in at once, so only the tokens need keeping
// (the password too, only when "keep password" is on). Offline, the password is kept until the
// first successful login.
import { connect } from '../../src/app/booklore-connection.js';
import type { Runtime } from '../../src/app/runtime.js';
import type { PluginSettings } from './plugin-settings.js';
import { settledValue } from './settled-value.js';

export function setBookloreAccount(runtime: Runtime, settings: PluginSettings, username: string, password: string): { ok: boolean; message: string } {
  const name = username.trim();
  if (name.length === 0) {
    settings.setBookloreAccount(null, null);
    return { ok: true, message: 'BookLore account removed' };
  }
  const current = settings.load();
  if (current.server === null) {
    settings.setBookloreAccount(name, password);
    return { ok: true, message: 'account saved; set the server, then it logs in at the next sync' };
  }
  settings.setBookloreAccount(name, null);
  // New tokens are saved by the settings port as the login returns them.
  const client = connect(runtime, { ...current, username: name, password, accessToken: null, refreshToken: null });
  const outcome = settledValue(client.logIn(name, password));
  if (outcome.ok) {
    if (current.keepPassword) settings.savePassword(password);
    return { ok: true, message: `logged in to BookLore as ${name}; the login is kept (${current.keepPassword ? 'with' : 'not'} the password)` };
  }
  if (outcome.failure.kind === 'auth') {
    settings.setBookloreAccount(null, null);
    return { ok: false, message: outcome.failure.message };
  }
  settings.savePassword(password);
  return { ok: true, message: `account saved; could not log in now (${outcome.failure.message}), it will at the next sync` };
}
