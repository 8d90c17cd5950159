// What the BookLore client tells a plugin user to do: the Settings menu entry to open.
import type { ClientWording } from '../../src/core/booklore/client-wording.js';

export const PLUGIN_WORDING: ClientWording = {
  noKoreaderAccount: 'no KOReader account is set up (Settings → KOReader account)',
  noBookLoreAccount: 'no BookLore account is set up (Settings → BookLore account)',
  loginExpiredWithoutPassword: 'the saved BookLore login has expired and no password is kept; enter the BookLore account again (Settings → BookLore account)',
  afterRejectedLogin: '',
  loginRefusedAfterRenewal: 'the server keeps refusing the BookLore login (401 after a fresh login); enter the BookLore account again',
  koreaderUploadRefused:
    'the server refused the KOReader login for uploads (403): wrong KOReader username or password, or an upstream BookLore that accepts uploads only with a BookLore account',
};
