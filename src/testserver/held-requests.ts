// Requests the `hold` and `hold-after-commit` faults keep open until the harness lets them go, so a
// crash test can kill a client exactly while its upload is in flight (held before the server
// processes it) or after the server committed it but before the answer left. The harness learns of
// each hold at once (in process: `onHold`; over HTTP: GET /__admin/held) and then releases it:
// `process` carries on as if nothing happened (the server finishes a request it fully read even when
// the client has gone), `drop` closes the connection (before commit: nothing is stored).

export type HoldStage = 'before-commit' | 'after-commit';
export type ReleaseMode = 'process' | 'drop';

export interface HeldRequestView {
  id: number;
  method: string;
  path: string;
  stage: HoldStage;
  /** Sessions in the request body (a batch's length, 1 for a single upload), when it posts sessions. */
  sessions: number | null;
  heldAt: string;
}

interface Entry extends HeldRequestView {
  release(mode: ReleaseMode): void;
  /** Settles once the dispatcher finished with the request after its release. */
  finished: Promise<void>;
  finish(): void;
}

export class HeldRequests {
  private nextId = 1;
  private readonly entries = new Map<number, Entry>();
  private readonly listeners = new Set<(held: HeldRequestView) => void>();

  /** Keeps the request until released; resolves with how to go on, and a callback to call when done. */
  hold(request: { method: string; path: string; stage: HoldStage; sessions: number | null }): { verdict: Promise<ReleaseMode>; done: () => void } {
    let release!: (mode: ReleaseMode) => void;
    let finish!: () => void;
    const verdict = new Promise<ReleaseMode>((resolve) => (release = resolve));
    const finished = new Promise<void>((resolve) => (finish = resolve));
    const entry: Entry = { id: this.nextId++, ...request, heldAt: new Date().toISOString(), release, finished, finish };
    this.entries.set(entry.id, entry);
    const view = this.view(entry);
    for (const listener of this.listeners) listener(view);
    return { verdict, done: () => entry.finish() };
  }

  list(): HeldRequestView[] {
    return [...this.entries.values()].map((e) => this.view(e));
  }

  /**
   * Lets every held request go (or those with `id`); resolves once the server has finished with
   * them, so what `process` stores is stored when this returns.
   */
  release(mode: ReleaseMode, id?: number): Promise<number> {
    const chosen = [...this.entries.values()].filter((e) => id === undefined || e.id === id);
    for (const entry of chosen) {
      this.entries.delete(entry.id);
      entry.release(mode);
    }
    return Promise.all(chosen.map((e) => e.finished)).then(() => chosen.length);
  }

  /** Called at once for every new hold (in process only); returns the unsubscribe function. */
  onHold(listener: (held: HeldRequestView) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private view(entry: Entry): HeldRequestView {
    return { id: entry.id, method: entry.method, path: entry.path, stage: entry.stage, sessions: entry.sessions, heldAt: entry.heldAt };
  }
}
