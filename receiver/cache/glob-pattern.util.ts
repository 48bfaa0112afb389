/** Turns a cache glob (`*` = any run of characters, everything else literal) into a RegExp. */
export function globToRegExp(pattern: string): RegExp {
  const source = pattern
    .split('*')
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${source}$`);
}

/** The same glob in Redis MATCH syntax: `*` stays a wildcard, Redis' other metacharacters are escaped. */
export function globToRedisMatch(pattern: string): string {
  return pattern
    .split('*')
    .map((part) => part.replace(/[?[\]\\]/g, '\\$&'))
    .join('*');
}
