/**
 * Thins a `[value, ms]` series for a panel: when it holds more points than `maxDataPoints`,
 * points are averaged per `intervalMs` bucket (at least wide enough to fit `maxDataPoints`), each
 * bucket stamped with its first point's time. Otherwise the points are returned as they are.
 */
export function bucketAverages(
  points: Array<[number, number]>,
  intervalMs?: number,
  maxDataPoints?: number,
): Array<[number, number]> {
  const max = maxDataPoints && maxDataPoints > 0 ? maxDataPoints : Infinity;
  if (points.length <= max || points.length === 0) return points;
  const span = points[points.length - 1][1] - points[0][1];
  const width = Math.max(
    intervalMs && intervalMs > 0 ? intervalMs : 1,
    Math.ceil((span + 1) / max),
  );
  const out: Array<[number, number]> = [];
  let start = points[0][1];
  let sum = 0;
  let count = 0;
  let stamp = start;
  for (const [value, at] of points) {
    if (at >= start + width) {
      out.push([sum / count, stamp]);
      start += Math.floor((at - start) / width) * width;
      sum = 0;
      count = 0;
      stamp = at;
    }
    sum += value;
    count += 1;
  }
  out.push([sum / count, stamp]);
  return out;
}
