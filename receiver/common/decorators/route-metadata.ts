import type { ExecutionContext } from '@nestjs/common';
import type { Reflector } from '@nestjs/core';

type Target = (...args: never[]) => unknown;

/** Answers by handler, then by controller class (an inherited handler serves several classes). */
const answers = new WeakMap<Target, WeakMap<Target, Map<string, unknown>>>();

/**
 * `reflector.getAllAndOverride(key, [handler, class])`, remembered per route: route metadata is
 * fixed once the application is built, and the `reflect-metadata` lookups were a visible part of
 * every tracking request's guards.
 */
export function routeMetadata<T>(
  reflector: Reflector,
  key: string,
  context: ExecutionContext,
): T | undefined {
  const handler = context.getHandler() as Target;
  const controller = context.getClass() as unknown as Target;
  let byClass = answers.get(handler);
  if (!byClass) answers.set(handler, (byClass = new WeakMap()));
  let byKey = byClass.get(controller);
  if (!byKey) byClass.set(controller, (byKey = new Map()));
  if (!byKey.has(key)) {
    byKey.set(key, reflector.getAllAndOverride<T | undefined>(key, [handler, controller]));
  }
  return byKey.get(key) as T | undefined;
}
