import { assertPackages, RECEIVER_PACKAGES } from '../lib/packages/peer-packages';

// Imported first by the receiver's entry points: a client-only install lacks these peers, and the
// receiver's files import them at load, so this check must run before any of those files load.
assertPackages(RECEIVER_PACKAGES, 'nestjs-telemetry/receiver');
