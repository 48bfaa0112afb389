import { RequestMethod, type Type } from '@nestjs/common';
import { METHOD_METADATA, MODULE_METADATA, PATH_METADATA } from '@nestjs/common/constants';

interface RouteEntry {
  pattern: RegExp;
  methods: Set<string>;
}

const ALL_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD'];
/** Paths whose answer is remembered; past that the memory starts again (any path can be asked). */
const REMEMBERED_PATHS = 1_000;

const join = (...parts: string[]): string =>
  '/' +
  parts
    .flatMap((part) => part.split('/'))
    .filter(Boolean)
    .join('/');

const escape = (segment: string): string => segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The pattern of a route path (`/r/:code` → `^/r/[^/]+/?$`), matched against raw request paths,
 * case-sensitively as the Micrologs paths are (contract 1.1).
 */
export function routePattern(path: string): RegExp {
  const body = path
    .split('/')
    .map((segment) => (segment.startsWith(':') ? '[^/]+' : escape(segment)))
    .join('/');
  return new RegExp(`^${body}/?$`);
}

/**
 * The receiver's own route table (path → allowed methods), read from the controllers' metadata.
 * The front door answers 405 from it before the framework's router would answer 404, which is
 * what the contract requires for a known path called with the wrong method.
 */
export class ReceiverRouteTable {
  private readonly routes: RouteEntry[] = [];
  /**
   * Answers by path: every request asks (twice), and testing each route's pattern in turn was the
   * front door's largest cost on the tracking endpoints.
   */
  private readonly answers = new Map<string, Set<string> | undefined>();

  /** Adds every route of the controllers of `modules` (and their static imports) under `prefix`. */
  addModules(prefix: string, modules: Type[]): this {
    const seen = new Set<Type>();
    const visit = (module: Type): void => {
      if (seen.has(module) || typeof module !== 'function') return;
      seen.add(module);
      const controllers: Type[] = Reflect.getMetadata(MODULE_METADATA.CONTROLLERS, module) ?? [];
      for (const controller of controllers) this.addController(prefix, controller);
      const imports: Type[] = Reflect.getMetadata(MODULE_METADATA.IMPORTS, module) ?? [];
      imports.forEach(visit);
    };
    modules.forEach(visit);
    return this;
  }

  /** The methods allowed on `path`, or `undefined` when the path is not a receiver route. */
  allowedMethods(path: string): Set<string> | undefined {
    if (this.answers.has(path)) return this.answers.get(path);
    const found = this.match(path);
    if (this.answers.size >= REMEMBERED_PATHS) this.answers.clear();
    this.answers.set(path, found);
    return found;
  }

  private match(path: string): Set<string> | undefined {
    let found: Set<string> | undefined;
    for (const route of this.routes) {
      if (!route.pattern.test(path)) continue;
      found ??= new Set();
      route.methods.forEach((method) => found!.add(method));
    }
    return found;
  }

  private addController(prefix: string, controller: Type): void {
    const base: string | string[] = Reflect.getMetadata(PATH_METADATA, controller) ?? '';
    const prototype = controller.prototype as Record<string, unknown>;
    for (const name of Object.getOwnPropertyNames(prototype)) {
      const handler = prototype[name];
      if (name === 'constructor' || typeof handler !== 'function') continue;
      const paths: string | string[] | undefined = Reflect.getMetadata(PATH_METADATA, handler);
      const method: RequestMethod | undefined = Reflect.getMetadata(METHOD_METADATA, handler);
      if (paths === undefined || method === undefined) continue;
      const methods = method === RequestMethod.ALL ? ALL_METHODS : [RequestMethod[method]];
      for (const basePath of ([] as string[]).concat(base)) {
        for (const path of ([] as string[]).concat(paths)) {
          this.add(join(prefix, basePath, path), methods);
        }
      }
    }
  }

  private add(path: string, methods: string[]): void {
    this.answers.clear();
    const existing = this.routes.find(
      (route) => route.pattern.source === routePattern(path).source,
    );
    if (existing) methods.forEach((method) => existing.methods.add(method));
    else this.routes.push({ pattern: routePattern(path), methods: new Set(methods) });
  }
}
