const UNITS: readonly [suffix: string, seconds: number][] = [
  ['d', 86_400],
  ['h', 3_600],
  ['m', 60],
  ['s', 1],
];

/** `46m ago`, `3h ago`, `2d ago` — the AGE column gateway admins know; `-` when unknown. */
export function formatAge(time: string | number | Date | null | undefined, now: Date = new Date()): string {
  if (time === null || time === undefined || time === '') return '-';
  const at = time instanceof Date ? time : new Date(time);
  if (Number.isNaN(at.getTime())) return '-';
  const seconds = Math.max(0, Math.floor((now.getTime() - at.getTime()) / 1000));
  for (const [suffix, size] of UNITS) {
    if (seconds >= size) return `${Math.floor(seconds / size)}${suffix} ago`;
  }
  return '0s ago';
}
