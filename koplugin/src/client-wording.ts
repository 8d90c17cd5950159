// What the BookLore client tells a plugin user to do: the Settings menu entry to open.
import type { AppWording } from '../../src/app/runtime.js';

export const PLUGIN_WORDING: AppWording = {
  notConfigured: 'no BookLore server is set up (Settings → Server)',
  noLogin: 'No account is set up: add a BookLore account (and/or a KOReader account).',
  orElsewhere: '',
  keepACopy: ' (keep a copy)',
  lockWaitHint: '',
  attachByHand: 'wait until a book id is attached (booklore-sync attach on a computer)',
  addBookLoreAccount: 'add a BookLore account for exactly-once uploads',
  snapshotSpace: 'free some space on the device',
  noKoreaderAccount: 'no KOReader account is set up (Settings → KOReader account)',
  noBookLoreAccount: 'no BookLore account is set up (Settings → BookLore account)',
  loginExpiredWithoutPassword: 'the saved BookLore login has expired and no password is kept; enter the BookLore account again (Settings → BookLore account)',
  afterRejectedLogin: '',
  loginRefusedAfterRenewal: 'the server keeps refusing the BookLore login (401 after a fresh login); enter the BookLore account again',
  koreaderUploadRefused:
    'the server refused the KOReader login for uploads (403): wrong KOReader username or password, or an upstream BookLore that accepts uploads only with a BookLore account',
};
