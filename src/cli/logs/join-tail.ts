/**
 * `tsm logs` subscribes before it reads the files' last lines, so no line written in between is
 * lost; a line may then be both at the end of a file and among the first live ones. Per file,
 * the live lines that the tail already ends with are dropped. Lines carry no sequence number,
 * so the longest such overlap is taken: an app repeating one line exactly may show one fewer
 * copy at the join, never a lost or doubled different line.
 */
export function overlapAtJoin(tail: readonly string[], live: readonly string[]): number {
  for (let k = Math.min(tail.length, live.length); k > 0; k -= 1) {
    let same = true;
    for (let i = 0; i < k && same; i += 1) same = tail[tail.length - k + i] === live[i];
    if (same) return k;
  }
  return 0;
}
