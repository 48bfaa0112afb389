import { loadPackage } from '../../packages/peer-packages';

/** The runtime API of `@openfeature/server-sdk`, which is an optional peer dependency. */
export type OpenFeatureSdk = typeof import('@openfeature/server-sdk');

/**
 * Loads the OpenFeature server SDK when, and only when, the OpenFeature integration is used: apps
 * that never touch OpenFeature need not install it, and apps that do get an install hint.
 */
export function loadOpenFeatureSdk(load?: (name: string) => unknown): OpenFeatureSdk {
  return loadPackage<OpenFeatureSdk>('@openfeature/server-sdk', 'The OpenFeature provider', load);
}
