// Resume from sleep, seen from user space: between two ticks the wall clock jumps well past the
// monotonic clock, which does not count time spent suspended (CLOCK_MONOTONIC on Linux).

export class ResumeDetector {
  private last: { wallMs: number; monoMs: number } | null = null;

  constructor(private readonly thresholdMs: number) {}

  /** Feeds one tick; true when the machine slept since the previous one. */
  observe(wallMs: number, monoMs: number): boolean {
    const previous = this.last;
    this.last = { wallMs, monoMs };
    if (previous === null) return false;
    const slept = wallMs - previous.wallMs - (monoMs - previous.monoMs);
    return slept > this.thresholdMs;
  }
}
