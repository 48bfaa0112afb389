import type { Type } from '@nestjs/common';
import { HealthModule } from './health/health.module';
import { ProjectsModule } from './projects/projects.module';

/**
 * Feature modules mounted under the route prefix (`/api/...`). Adding a capability to the
 * receiver is one line here; its controllers use `@ReceiverController()` and get the whole
 * request pipeline, and its providers can inject everything `ReceiverCoreModule` exports.
 */
export const RECEIVER_API_MODULES: Type[] = [
  ProjectsModule, // projects API (contract 2.1)
  HealthModule, // health document (contract 2.6)
];

/** Feature modules mounted at the root (e.g. the browser snippet at `/snippet/micrologs.js`). */
export const RECEIVER_ROOT_MODULES: Type[] = [
  // one line per module, e.g. the snippet module
];
