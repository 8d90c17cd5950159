// What the BookLore client tells a command-line user to do: the `booklore-sync configure` to run.
import type { ClientWording } from '../../core/booklore/client-wording.js';

export const CLI_WORDING: ClientWording = {
  noKoreaderAccount: 'no KOReader login configured; run `booklore-sync configure --koreader-username NAME`',
  noBookLoreAccount: 'no BookLore login configured; run `booklore-sync configure --username NAME`',
  loginExpiredWithoutPassword: 'the saved BookLore login has expired and no password is saved; run `booklore-sync configure` again to log in',
  afterRejectedLogin: '; run `booklore-sync configure` again',
  loginRefusedAfterRenewal: 'the server keeps refusing the BookLore login (401 after a fresh login); run `booklore-sync configure` again',
  koreaderUploadRefused:
    'the server refused the KOReader login for uploads (403): wrong KOReader username or password, or an upstream BookLore that accepts uploads only with a BookLore account (configure --username)',
};
