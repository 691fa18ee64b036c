/**
 * Host header validation (guards against Host header attacks) as pure ASGI
 * middleware, with Starlette's TrustedHostMiddleware rules.
 */
import type { ASGIApp, Receive, Scope, Send } from 'asgi-core';
import { ASGIObject, toASGIApp, type ASGIAppLike } from '../asgi';
import { formatUrl, getHeader, scopeUrl, splitNetloc } from '../internal/asgi-helpers';
import { PlainTextResponse, RedirectResponse } from '../responses';

const ENFORCE_DOMAIN_WILDCARD = "Domain wildcard patterns must be like '*.example.com'.";

/** Options of {@link TrustedHostMiddleware}. */
export interface TrustedHostOptions {
  /** Host names accepted; `*.example.com` matches subdomains, `*` anything. Default `['*']`. */
  allowedHosts?: readonly string[];
  /** Redirect `example.com` to `www.example.com` when only the latter is allowed. Default true. */
  wwwRedirect?: boolean;
}

/**
 * Answers 400 "Invalid host header" to requests whose Host is not allowed.
 *
 * @example
 * new Middleware(TrustedHostMiddleware, { allowedHosts: ['example.com', '*.example.com'] })
 */
export class TrustedHostMiddleware extends ASGIObject {
  private readonly app: ASGIApp;
  private readonly allowedHosts: string[];
  private readonly allowAny: boolean;
  private readonly wwwRedirect: boolean;

  /** Wraps `app`; throws when a wildcard pattern is not of the form `*.domain`. */
  constructor(app: ASGIAppLike, options: TrustedHostOptions = {}) {
    super();
    const allowedHosts = [...(options.allowedHosts ?? ['*'])];
    for (const pattern of allowedHosts) {
      if (pattern.slice(1).includes('*') || (pattern.startsWith('*') && pattern !== '*' && !pattern.startsWith('*.'))) {
        throw new Error(`${ENFORCE_DOMAIN_WILDCARD} Got '${pattern}'.`);
      }
    }
    this.app = toASGIApp(app);
    // Host names are case-insensitive (RFC 4343): compare lower-cased.
    this.allowedHosts = allowedHosts.map((host) => host.toLowerCase());
    this.allowAny = allowedHosts.includes('*');
    this.wwwRedirect = options.wwwRedirect ?? true;
  }

  /** The ASGI entry point. */
  async call(scope: Scope, receive: Receive, send: Send): Promise<void> {
    if (this.allowAny || (scope.type !== 'http' && scope.type !== 'websocket')) return this.app(scope, receive, send);
    const host = splitNetloc(getHeader(scope.headers, 'host') ?? '').hostname.toLowerCase();
    let valid = false;
    let foundWwwRedirect = false;
    for (const pattern of this.allowedHosts) {
      if (host === pattern || (pattern.startsWith('*') && host.endsWith(pattern.slice(1)))) {
        valid = true;
        break;
      }
      if (`www.${host}` === pattern) foundWwwRedirect = true;
    }
    if (valid) return this.app(scope, receive, send);
    if (foundWwwRedirect && this.wwwRedirect) {
      const url = scopeUrl(scope);
      return new RedirectResponse(formatUrl({ ...url, netloc: `www.${url.netloc}` }))(scope, receive, send);
    }
    return new PlainTextResponse('Invalid host header', { status: 400 })(scope, receive, send);
  }
}
