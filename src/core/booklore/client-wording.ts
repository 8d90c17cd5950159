// The parts of the client's messages that tell the user what to do, in each runtime's own terms:
// a `booklore-sync configure` command line, or the plugin's Settings menu.

export interface ClientWording {
  /** KOReader headers are needed and no KOReader account is set up. */
  noKoreaderAccount: string;
  /** A BookLore login is needed and no BookLore account is set up. */
  noBookLoreAccount: string;
  /** The refresh token is gone (expired or revoked) and no password is kept to log in again. */
  loginExpiredWithoutPassword: string;
  /** Appended to "the server rejected the BookLore username or password (…)". */
  afterRejectedLogin: string;
  /** A 401 even after a fresh login. */
  loginRefusedAfterRenewal: string;
  /** A 403 to a session upload made with KOReader headers. */
  koreaderUploadRefused: string;
}
