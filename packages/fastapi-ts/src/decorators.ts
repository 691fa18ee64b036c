/**
 * Controller classes: `@Controller(prefix, options)` on the class and
 * `@Get/@Post/@Put/@Patch/@Delete/@Options/@Head(path, options)` or
 * `@WebSocketRoute(path)` on its methods. The decorators only record; the
 * routes (and their dependency plans) are compiled by `app.include(Controller)`.
 */
import type { Declaration } from './params';
import type { ResponsesSpec, RouteOptions } from './routing';

/** Options of `@Controller`, applied to every route of the class. */
export interface ControllerOptions {
  tags?: string[];
  dependencies?: Declaration[];
  responses?: ResponsesSpec;
  deprecated?: boolean;
  includeInSchema?: boolean;
}

/** One recorded route of a controller. */
export interface ControllerRoute {
  kind: 'http' | 'websocket';
  key: string;
  path: string;
  methods: string[];
  options: RouteOptions;
}

const CONTROLLER = Symbol.for('fastapi-ts.controller');
const ROUTES = Symbol.for('fastapi-ts.routes');

interface ControllerMeta {
  prefix: string;
  options: ControllerOptions;
}

/**
 * Marks a class as a controller: its decorated methods become path operations under `prefix`.
 *
 * @example
 * @Controller('/items', { tags: ['items'] })
 * class ItemsController { @Get('/{item_id}') read(@Path('item_id') id: string) { return { id }; } }
 */
export function Controller(prefix = '', options: ControllerOptions = {}): ClassDecorator {
  return (target) => {
    Object.defineProperty(target, CONTROLLER, { value: { prefix, options } satisfies ControllerMeta, enumerable: false });
  };
}

/** True for a class decorated with `@Controller`. */
export function isControllerClass(value: unknown): boolean {
  return typeof value === 'function' && Object.prototype.hasOwnProperty.call(value, CONTROLLER);
}

/** The prefix, options and routes of a controller class (routes of base classes included). */
export function controllerRoutes(cls: unknown): { prefix: string; options: ControllerOptions; routes: ControllerRoute[] } {
  const meta = (cls as { [CONTROLLER]: ControllerMeta })[CONTROLLER];
  const routes: ControllerRoute[] = [];
  const chain: object[] = [];
  for (let proto = (cls as { prototype: object }).prototype; proto && proto !== Object.prototype; proto = Object.getPrototypeOf(proto)) chain.unshift(proto);
  for (const proto of chain) {
    const own = Object.prototype.hasOwnProperty.call(proto, ROUTES) ? (proto as { [ROUTES]: ControllerRoute[] })[ROUTES] : [];
    routes.push(...own);
  }
  return { prefix: meta.prefix, options: meta.options, routes };
}

function record(target: object, route: ControllerRoute): void {
  if (!Object.prototype.hasOwnProperty.call(target, ROUTES)) Object.defineProperty(target, ROUTES, { value: [], enumerable: false });
  (target as { [ROUTES]: ControllerRoute[] })[ROUTES].push(route);
}

function methodDecorator(methods: string[]) {
  return (path = '', options: RouteOptions = {}): MethodDecorator =>
    (target, key) => {
      record(target, { kind: 'http', key: String(key), path, methods, options });
    };
}

/** `GET` path operation on a controller method. */
export const Get = methodDecorator(['GET']);
/** `POST` path operation. */
export const Post = methodDecorator(['POST']);
/** `PUT` path operation. */
export const Put = methodDecorator(['PUT']);
/** `PATCH` path operation. */
export const Patch = methodDecorator(['PATCH']);
/** `DELETE` path operation. */
export const Delete = methodDecorator(['DELETE']);
/** `OPTIONS` path operation. */
export const Options = methodDecorator(['OPTIONS']);
/** `HEAD` path operation. */
export const Head = methodDecorator(['HEAD']);

/** A path operation for several methods at once (FastAPI's `api_route`). */
export function ApiRoute(path: string, methods: string[], options: RouteOptions = {}): MethodDecorator {
  return (target, key) => record(target, { kind: 'http', key: String(key), path, methods: methods.map((m) => m.toUpperCase()), options });
}

/** A WebSocket route on a controller method; declare a `WebSocket` parameter to receive the socket. */
export function WebSocketRoute(path: string, options: { name?: string; dependencies?: Declaration[] } = {}): MethodDecorator {
  return (target, key) => record(target, { kind: 'websocket', key: String(key), path, methods: [], options });
}
