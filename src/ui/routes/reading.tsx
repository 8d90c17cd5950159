// Reading: time read per day over the last 90 days and per book, as server-drawn SVG charts.
import type { Hono } from 'hono';
import { formatIsoUtc } from '../../core/iso-time.js';
import { readingPerBook, readingPerDay } from '../status-queries.js';
import type { UiDeps, UiEnv } from '../ui-env.js';
import { BookChart, DailyChart } from '../views/charts.js';
import { withStore } from '../with-store.js';

const DAYS = 90;

/** The last `count` UTC days, oldest first, as YYYY-MM-DD. */
export function lastDays(nowSeconds: number, count: number): string[] {
  const today = Math.floor(nowSeconds / 86400);
  return Array.from({ length: count }, (_, i) => formatIsoUtc((today - count + 1 + i) * 86400).slice(0, 10));
}

export function registerReading(app: Hono<UiEnv>, deps: UiDeps): void {
  app.get('/reading', (c) => {
    const days = lastDays(Math.floor(Date.now() / 1000), DAYS);
    const { perDay, perBook } = withStore(deps, (store) => ({
      perDay: readingPerDay(store.db, days[0]!),
      perBook: readingPerBook(store.db, 15),
    }));
    return c.render(
      <>
        <section class="card">
          <h2>Per day</h2>
          <DailyChart days={days.map((day) => ({ day, seconds: perDay.get(day) ?? 0 }))} />
        </section>
        <section class="card">
          <h2>Per book</h2>
          <BookChart books={perBook} />
        </section>
      </>,
      { title: 'Reading', nav: 'reading' },
    );
  });
}
