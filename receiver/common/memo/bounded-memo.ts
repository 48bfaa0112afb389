/**
 * Memoises a pure function of a string that the request path calls with values clients choose
 * (user agents, referrers, origins). Real traffic repeats a few hundred of them; the memory is
 * bounded by starting over once `limit` values are remembered, which costs one recomputation
 * each — cheaper on every hit than an LRU's bookkeeping.
 */
export function boundedMemo<V>(limit: number, compute: (key: string) => V): (key: string) => V {
  const answers = new Map<string, V>();
  return (key) => {
    let answer = answers.get(key);
    if (answer === undefined && !answers.has(key)) {
      answer = compute(key);
      if (answers.size >= limit) answers.clear();
      answers.set(key, answer);
    }
    return answer as V;
  };
}
