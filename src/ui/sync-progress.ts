// The live state of syncs for the page's server-sent events: who started the running sync, how far
// it got, and how the last one ended. Fed by the sync's own progress events (SyncEvents).
import type { SyncEvents } from '../core/sync/sync-engine.js';

export interface QueueCounts {
  total: number;
  queued: number;
  sending: number;
  parked: number;
  unresolvedBooks: number;
}

export interface ProgressState {
  running: boolean;
  trigger: string | null;
  done: number;
  total: number;
  /** The engine's last log line of the running sync. */
  note: string | null;
}

/** What the page shows of the queue, read afresh when a sync ends. */
export interface QueueSnapshot {
  counts: QueueCounts;
  lastSync: string;
}

export interface FinishedEvent {
  ok: boolean;
  summary: string;
  /** Null when the database cannot be read right now (the page keeps what it shows). */
  snapshot: QueueSnapshot | null;
}

export type HubEvent = { type: 'progress'; state: ProgressState } | { type: 'finished'; result: FinishedEvent };

export class SyncProgressHub {
  private current: ProgressState = { running: false, trigger: null, done: 0, total: 0, note: null };
  private readonly listeners = new Set<(event: HubEvent) => void>();
  private readonly closers = new Set<() => void>();

  get state(): ProgressState {
    return { ...this.current };
  }

  subscribe(listener: (event: HubEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(event: HubEvent): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(event);
      } catch {
        // a closed stream: it unsubscribes itself
      }
    }
  }

  started(trigger: string): void {
    this.current = { running: true, trigger, done: 0, total: 0, note: null };
    this.emit({ type: 'progress', state: this.state });
  }

  /** The events to hand to runSync (or to the daemon, which forwards them for every sync). */
  events(): SyncEvents {
    return {
      progress: (done, total) => {
        this.current = { ...this.current, running: true, done, total };
        this.emit({ type: 'progress', state: this.state });
      },
      log: (line) => {
        this.current = { ...this.current, note: line };
      },
    };
  }

  /** Called when the page server stops, so open event streams end (and the server can close). */
  onClose(closer: () => void): () => void {
    this.closers.add(closer);
    return () => void this.closers.delete(closer);
  }

  close(): void {
    for (const closer of [...this.closers]) closer();
    this.closers.clear();
  }

  finished(result: FinishedEvent): void {
    this.current = { running: false, trigger: null, done: 0, total: 0, note: null };
    this.emit({ type: 'finished', result });
  }
}
