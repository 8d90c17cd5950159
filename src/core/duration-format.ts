// `durationFormatted` as BookLore's web reader and the plugin send it: "1h 5m 9s", "4m 0s", "45s".
export function formatDuration(totalSeconds: number): string {
  const seconds = totalSeconds < 0 ? 0 : Math.floor(totalSeconds);
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  if (h > 0) return `${h}h ${m}m ${s}s`;
  if (m > 0) return `${m}m ${s}s`;
  return `${s}s`;
}
