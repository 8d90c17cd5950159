// What the BookLore client tells a command-line user to do: the `booklore-sync configure` to run.
import type { AppWording } from '../../app/runtime.js';

export const CLI_WORDING: AppWording = {
  notConfigured: 'no BookLore server is configured; run `booklore-sync configure --server URL --username NAME` first',
  noLogin: 'no login is configured; run `booklore-sync configure --username NAME` (and/or --koreader-username)',
  orElsewhere: ' or choose another --home',
  keepACopy: " (keep a copy: queued sessions may be recoverable with the sqlite3 shell's .recover)",
  lockWaitHint: ' (wait time: $BOOKLORE_SYNC_LOCK_TIMEOUT_MS)',
  attachByHand: 'need `booklore-sync attach --hash H --book-id N`',
  addBookLoreAccount: 'add --username for exactly-once uploads',
  snapshotSpace: 'free some space in the temporary directory or point TMPDIR elsewhere',
  noKoreaderAccount: 'no KOReader login configured; run `booklore-sync configure --koreader-username NAME`',
  noBookLoreAccount: 'no BookLore login configured; run `booklore-sync configure --username NAME`',
  loginExpiredWithoutPassword: 'the saved BookLore login has expired and no password is saved; run `booklore-sync configure` again to log in',
  afterRejectedLogin: '; run `booklore-sync configure` again',
  loginRefusedAfterRenewal: 'the server keeps refusing the BookLore login (401 after a fresh login); run `booklore-sync configure` again',
  koreaderUploadRefused:
    'the server refused the KOReader login for uploads (403): wrong KOReader username or password, or an upstream BookLore that accepts uploads only with a BookLore account (configure --username)',
};
