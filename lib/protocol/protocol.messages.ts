/** @internal Which half of the package is configured: names the option family in error texts. */
export type OptionScope = 'telemetry' | 'receiver';

/** @internal Every text the protocol kernel puts into an error, in one place. */
export const ProtocolMessages = {
  invalidOption: (
    scope: OptionScope,
    option: string,
    env: string | undefined,
    value: unknown,
    expected: string,
  ): string =>
    `Invalid ${scope} option "${option}"${env ? ` (env ${env})` : ''}: ` +
    `${JSON.stringify(value) ?? String(value)} — expected ${expected}.`,
  encryptionKeyFormats:
    '32 bytes written as 64 hexadecimal characters, or as base64 or base64url ' +
    '(optionally prefixed with "base64:")',
  generateEncryptionKey: 'generate one with `openssl rand -base64 32`',
} as const;
