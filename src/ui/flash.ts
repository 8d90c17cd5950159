// One-time messages after a POST (Post/Redirect/Get): kept in memory under a random id that the
// redirect carries, so a crafted link cannot put words on the page.
import { randomBytes } from 'node:crypto';

export interface Flash {
  kind: 'ok' | 'error';
  text: string;
  /** Offer the Sync Now button with the message (e.g. after an attach). */
  offerSync?: boolean;
}

const MAX_KEPT = 200;

export class FlashStore {
  private readonly messages = new Map<string, Flash>();

  put(flash: Flash): string {
    const id = randomBytes(9).toString('base64url');
    this.messages.set(id, flash);
    if (this.messages.size > MAX_KEPT) this.messages.delete(this.messages.keys().next().value!);
    return id;
  }

  take(id: string | undefined): Flash | null {
    if (!id) return null;
    const flash = this.messages.get(id) ?? null;
    this.messages.delete(id);
    return flash;
  }
}

/** `path` with the flash id appended to its query. */
export function withFlash(path: string, id: string): string {
  return `${path}${path.includes('?') ? '&' : '?'}flash=${encodeURIComponent(id)}`;
}
