const SECRET_NAME =
  /pass(word)?|secret|token|authorization|api[-_]?key|private[-_]?key|signature|cookie|credential/i;

/**
 * A copy of a JSON value with the values of secret-looking properties replaced, for verbose logs:
 * collectors and receivers may carry credentials, and logs travel further than the app does.
 */
export function redactSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactSecrets);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value).map(([name, item]) => [
      name,
      SECRET_NAME.test(name) && item !== null && typeof item !== 'object'
        ? '[redacted]'
        : redactSecrets(item),
    ]),
  );
}
