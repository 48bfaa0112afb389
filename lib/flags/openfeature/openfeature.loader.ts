import { FlagsMessages } from '../flags.messages';

/** The runtime API of `@openfeature/server-sdk`, which is an optional peer dependency. */
export type OpenFeatureSdk = typeof import('@openfeature/server-sdk');

const SDK_PACKAGE = '@openfeature/server-sdk';

/**
 * Loads the OpenFeature server SDK when, and only when, the OpenFeature integration is used, the way
 * @nestjs/terminus loads its optional integrations: apps that never touch OpenFeature need not
 * install it, and apps that do get an install hint instead of a bare MODULE_NOT_FOUND.
 */
export function loadOpenFeatureSdk(
  // A plain `require` on purpose: a static import would make the optional package mandatory.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  load: (name: string) => unknown = (name) => require(name),
): OpenFeatureSdk {
  try {
    return load(SDK_PACKAGE) as OpenFeatureSdk;
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'MODULE_NOT_FOUND' || code === 'ERR_MODULE_NOT_FOUND') {
      throw new Error(FlagsMessages.openFeatureMissing());
    }
    throw error;
  }
}
