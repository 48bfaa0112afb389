import { randomInt } from 'node:crypto';

const ALPHABET = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/** Length of every issued code (contract 3.12). */
export const LINK_CODE_LENGTH = 8;

/** Attempts before link creation gives up (62^8 codes: a second attempt is already rare). */
export const LINK_CODE_MAX_ATTEMPTS = 10;

/** An 8-character code drawn uniformly from `a–z A–Z 0–9` with the CSPRNG. */
export function generateLinkCode(): string {
  let code = '';
  for (let i = 0; i < LINK_CODE_LENGTH; i++) code += ALPHABET[randomInt(ALPHABET.length)];
  return code;
}

/**
 * A code no existing link uses, compared case-insensitively (`abcd1234` and `ABCD1234` would be
 * ambiguous for anyone typing the link). `isTaken` answers for one candidate.
 *
 * @returns the code, or `undefined` when every attempt collided.
 */
export async function allocateLinkCode(
  isTaken: (code: string) => Promise<boolean>,
  generate: () => string = generateLinkCode,
  attempts = LINK_CODE_MAX_ATTEMPTS,
): Promise<string | undefined> {
  for (let i = 0; i < attempts; i++) {
    const code = generate();
    if (!(await isTaken(code))) return code;
  }
  return undefined;
}
