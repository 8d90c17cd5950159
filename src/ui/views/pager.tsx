// Previous / next links for paged tables, keeping the other query parameters.
export const PAGE_SIZE = 50;

export function pageNumber(text: string | undefined): number {
  const n = Number(text ?? '1');
  return Number.isInteger(n) && n >= 1 && n <= 1_000_000 ? n : 1;
}

export function Pager(props: { path: string; page: number; total: number; params?: Record<string, string> }) {
  const pages = Math.max(1, Math.ceil(props.total / PAGE_SIZE));
  const link = (page: number) => {
    const query = new URLSearchParams({ ...(props.params ?? {}), page: String(page) });
    return `${props.path}?${query.toString()}`;
  };
  return (
    <nav class="pager" aria-label="Pages of this table">
      {props.page > 1 ? <a href={link(props.page - 1)} rel="prev">← Previous</a> : <span />}
      <span>
        Page {props.page} of {pages} ({props.total.toLocaleString('en')} rows)
      </span>
      {props.page < pages ? <a href={link(props.page + 1)} rel="next">Next →</a> : <span />}
    </nav>
  );
}
