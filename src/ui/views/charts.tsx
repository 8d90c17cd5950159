// Reading charts as SVG drawn on the server: readable without JavaScript, each with a title, a
// description for screen readers, and the same figures as a table beside it.
import { duration, hours } from './format.js';

export interface DayValue {
  day: string;
  seconds: number;
}

export function DailyChart(props: { days: DayValue[] }) {
  const width = 900;
  const height = 220;
  const top = 20;
  const bottom = 30;
  const left = 50;
  const plotH = height - top - bottom;
  const max = Math.max(3600, ...props.days.map((d) => d.seconds));
  const maxHours = Math.ceil(max / 3600);
  const step = (width - left - 10) / Math.max(1, props.days.length);
  const total = props.days.reduce((sum, d) => sum + d.seconds, 0);
  const readDays = props.days.filter((d) => d.seconds > 0).length;
  const first = props.days[0]?.day ?? '';
  const last = props.days[props.days.length - 1]?.day ?? '';
  const busiest = props.days.reduce<DayValue | null>((best, d) => (best === null || d.seconds > best.seconds ? d : best), null);
  const ticks = Array.from({ length: Math.min(maxHours, 5) + 1 }, (_, i) => Math.round((i * maxHours) / Math.min(maxHours, 5)));
  return (
    <figure>
      <svg
        class="chart"
        viewBox={`0 0 ${width} ${height}`}
        role="img"
        aria-labelledby="daily-title daily-desc"
        id="chart-daily"
      >
        <title id="daily-title">Reading time per day, {first} to {last}</title>
        <desc id="daily-desc">
          {`${hours(total)} in ${readDays} of ${props.days.length} days.`}
          {busiest && busiest.seconds > 0 ? ` Most on ${busiest.day}: ${duration(busiest.seconds)}.` : ' No reading in this period.'}
        </desc>
        {ticks.map((h) => {
          const y = top + plotH - (h * 3600 * plotH) / (maxHours * 3600);
          return (
            <g>
              <line x1={left} x2={width - 10} y1={y} y2={y} class="grid" />
              <text x={left - 6} y={y + 4} text-anchor="end" class="axis">{`${h} h`}</text>
            </g>
          );
        })}
        {props.days.map((d, i) => {
          const h = (d.seconds * plotH) / (maxHours * 3600);
          const x = left + i * step + 1;
          return (
            <rect x={x.toFixed(1)} y={(top + plotH - h).toFixed(1)} width={Math.max(1, step - 2).toFixed(1)} height={h.toFixed(1)} class="bar">
              <title>{`${d.day}: ${duration(d.seconds)}`}</title>
            </rect>
          );
        })}
        <text x={left} y={height - 8} class="axis">{first}</text>
        <text x={width - 10} y={height - 8} text-anchor="end" class="axis">{last}</text>
      </svg>
      <figcaption>
        Reading time per day over the last {props.days.length} days (UTC days; queued and uploaded sessions).
      </figcaption>
      <details>
        <summary>The same as a table</summary>
        <table>
          <thead>
            <tr><th>Day</th><th>Reading time</th></tr>
          </thead>
          <tbody>
            {props.days.filter((d) => d.seconds > 0).map((d) => (
              <tr><td>{d.day}</td><td>{duration(d.seconds)}</td></tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
}

export interface BookValue {
  label: string;
  seconds: number;
  sessions: number;
}

export function BookChart(props: { books: BookValue[] }) {
  const rowH = 28;
  const labelW = 300;
  const width = 900;
  const height = Math.max(1, props.books.length) * rowH + 10;
  const max = Math.max(1, ...props.books.map((b) => b.seconds));
  const short = (s: string) => (s.length > 40 ? `${s.slice(0, 39)}…` : s);
  return (
    <figure>
      <svg class="chart" viewBox={`0 0 ${width} ${height}`} role="img" aria-labelledby="books-title books-desc" id="chart-books">
        <title id="books-title">Reading time per book</title>
        <desc id="books-desc">
          {props.books.length === 0
            ? 'No reading recorded yet.'
            : props.books.map((b) => `${b.label}: ${duration(b.seconds)} in ${b.sessions} sessions`).join('; ')}
        </desc>
        {props.books.map((b, i) => {
          const w = ((width - labelW - 120) * b.seconds) / max;
          const y = 5 + i * rowH;
          return (
            <g>
              <text x={labelW - 8} y={y + 18} text-anchor="end" class="label">{short(b.label)}</text>
              <rect x={labelW} y={y + 4} width={Math.max(1, w).toFixed(1)} height={rowH - 8} class="bar">
                <title>{`${b.label}: ${duration(b.seconds)}`}</title>
              </rect>
              <text x={labelW + w + 6} y={y + 18} class="axis">{hours(b.seconds)}</text>
            </g>
          );
        })}
      </svg>
      <figcaption>Reading time per book, all time, the {props.books.length} most read.</figcaption>
      <details>
        <summary>The same as a table</summary>
        <table>
          <thead>
            <tr><th>Book</th><th>Reading time</th><th>Sessions</th></tr>
          </thead>
          <tbody>
            {props.books.map((b) => (
              <tr><td>{b.label}</td><td>{duration(b.seconds)}</td><td>{b.sessions}</td></tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
}
