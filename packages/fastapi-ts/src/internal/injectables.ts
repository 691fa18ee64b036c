/**
 * The classes injected by type (FastAPI's special parameters: `Request`,
 * `WebSocket`, `HTTPConnection`, `Response`, `BackgroundTasks`, `SecurityScopes`).
 * Kept in one registry so that other modules (security utilities) can add theirs.
 */
import { BackgroundTasks as StarletteBackgroundTasks, HTTPConnection, Request, Response, WebSocket } from 'starlette-ts';

/** What an injected parameter receives. */
export type InjectKind = 'request' | 'websocket' | 'connection' | 'response' | 'background' | 'securityScopes';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyClass = abstract new (...args: any) => unknown;

const registry = new Map<AnyClass, InjectKind>([
  [Request, 'request'],
  [WebSocket, 'websocket'],
  [HTTPConnection, 'connection'],
  [Response, 'response'],
  [StarletteBackgroundTasks, 'background'],
]);

/** Registers a class injected by type (used by the security utilities for `SecurityScopes`). */
export function registerInjectable(cls: AnyClass, kind: InjectKind): void {
  registry.set(cls, kind);
}

/** The injection kind of a reflected parameter type, or undefined when it is not injectable. */
export function injectKindOf(type: unknown): InjectKind | undefined {
  if (typeof type !== 'function') return undefined;
  const direct = registry.get(type as AnyClass);
  if (direct) return direct;
  // Subclasses (fastapi-ts's BackgroundTasks extends Starlette's) are injected as their base.
  for (const [cls, kind] of registry) if ((type as { prototype?: unknown }).prototype instanceof cls) return kind;
  return undefined;
}
