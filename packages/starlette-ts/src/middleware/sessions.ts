/**
 * Cookie sessions as pure ASGI middleware, as Starlette's SessionMiddleware:
 * the session is JSON in a signed cookie (readable by the client, not
 * forgeable), exposed as `scope.session`.
 */
import type { ASGIApp, HTTPResponseStartEvent, Receive, Scope, Send } from 'asgi-core';
import { ASGIObject, toASGIApp, type ASGIAppLike } from '../asgi';
import { addVary, getHeader, messageHeaders } from '../internal/asgi-helpers';
import { parseCookieHeader } from '../internal/cookies';
import { TimestampSigner } from '../internal/signing';

/** Options of {@link SessionMiddleware}; defaults as Starlette's. */
export interface SessionOptions {
  /** The key the cookie is signed with; keep it secret, rotate it to invalidate every session. */
  secretKey: string;
  /** Cookie name. Default `session`. */
  sessionCookie?: string;
  /** Lifetime in seconds, also enforced on the signature; null for a browser-session cookie. Default 14 days. */
  maxAge?: number | null;
  /** Cookie path. Default `/`. */
  path?: string;
  /** SameSite attribute. Default `lax`. */
  sameSite?: 'lax' | 'strict' | 'none';
  /** Adds `secure`: the cookie is only sent over https. Default false. */
  httpsOnly?: boolean;
  /** Cookie domain; unset means the current host only. */
  domain?: string;
}

/** A session: a plain object of JSON-serialisable values (`request.session.user = 'ann'`). */
export type Session = Record<string, unknown>;

interface SessionTracking {
  accessed: boolean;
  modified: boolean;
  data: Session;
}

const tracking = new WeakMap<object, SessionTracking>();

/** Wraps `data` in a proxy that records reads (for `Vary: Cookie`) and writes (to re-send the cookie). */
function createSession(data: Session): { session: Session; state: SessionTracking } {
  const state: SessionTracking = { accessed: false, modified: false, data };
  const session = new Proxy(data, {
    get(target, key, receiver) {
      state.accessed = true;
      return Reflect.get(target, key, receiver);
    },
    has(target, key) {
      state.accessed = true;
      return Reflect.has(target, key);
    },
    ownKeys(target) {
      state.accessed = true;
      return Reflect.ownKeys(target);
    },
    set(target, key, value, receiver) {
      state.accessed = true;
      state.modified = true;
      return Reflect.set(target, key, value, receiver);
    },
    defineProperty(target, key, descriptor) {
      state.accessed = true;
      state.modified = true;
      return Reflect.defineProperty(target, key, descriptor);
    },
    deleteProperty(target, key) {
      state.accessed = true;
      state.modified = true;
      return Reflect.deleteProperty(target, key);
    },
  });
  tracking.set(session, state);
  return { session, state };
}

/** Empties a session (Starlette's `session.clear()`): the cookie is expired in the response. */
export function clearSession(session: Session): void {
  for (const key of Object.keys(session)) delete session[key];
  const state = tracking.get(session);
  if (state) {
    state.accessed = true;
    state.modified = true;
  }
}

/**
 * Loads `scope.session` from a signed cookie and writes it back when it
 * changed. A missing, tampered, expired or undecodable cookie gives an empty
 * session, never an error.
 *
 * @example
 * new Middleware(SessionMiddleware, { secretKey: process.env.SECRET_KEY! })
 */
export class SessionMiddleware extends ASGIObject {
  private readonly app: ASGIApp;
  private readonly signer: TimestampSigner;
  private readonly sessionCookie: string;
  private readonly maxAge: number | null;
  private readonly cookiePath: string;
  private readonly securityFlags: string;

  /** Wraps `app`; throws when `secretKey` is empty. */
  constructor(app: ASGIAppLike, options: SessionOptions) {
    super();
    if (!options || typeof options.secretKey !== 'string' || options.secretKey.length === 0) {
      throw new TypeError('SessionMiddleware needs a non-empty secretKey option');
    }
    this.app = toASGIApp(app);
    this.signer = new TimestampSigner(options.secretKey);
    this.sessionCookie = options.sessionCookie ?? 'session';
    this.maxAge = options.maxAge === undefined ? 14 * 24 * 60 * 60 : options.maxAge;
    this.cookiePath = options.path ?? '/';
    let flags = `httponly; samesite=${options.sameSite ?? 'lax'}`;
    if (options.httpsOnly) flags += '; secure';
    if (options.domain !== undefined) flags += `; domain=${options.domain}`;
    this.securityFlags = flags;
  }

  /** The ASGI entry point. */
  async call(scope: Scope, receive: Receive, send: Send): Promise<void> {
    if (scope.type !== 'http' && scope.type !== 'websocket') return this.app(scope, receive, send);
    const cookie = parseCookieHeader(getHeader(scope.headers, 'cookie') ?? '')[this.sessionCookie];
    const loaded = cookie === undefined ? null : this.load(cookie);
    const initialSessionWasEmpty = loaded === null;
    const { session, state } = createSession(loaded ?? {});
    scope.session = session;

    const sendWrapper: Send = async (message) => {
      if (message.type === 'http.response.start') {
        // The app may have replaced scope.session with a fresh object: honour it.
        const current = scope.session as Session;
        const currentState = tracking.get(current) ?? { accessed: true, modified: true, data: current };
        const data = currentState === state ? state.data : { ...current };
        const headers = messageHeaders(message as HTTPResponseStartEvent);
        if (currentState.accessed) addVary(headers, 'Cookie');
        if (currentState.modified && Object.keys(data).length > 0) {
          const value = this.signer.sign(Buffer.from(JSON.stringify(data), 'utf8').toString('base64'));
          const maxAge = this.maxAge ? `Max-Age=${this.maxAge}; ` : '';
          headers.push(['set-cookie', `${this.sessionCookie}=${value}; path=${this.cookiePath}; ${maxAge}${this.securityFlags}`]);
        } else if (currentState.modified && !initialSessionWasEmpty) {
          headers.push([
            'set-cookie',
            `${this.sessionCookie}=null; path=${this.cookiePath}; expires=Thu, 01 Jan 1970 00:00:00 GMT; ${this.securityFlags}`,
          ]);
        }
      }
      await send(message);
    };
    await this.app(scope, receive, sendWrapper);
  }

  /** The session stored in a cookie value, or null when it is not a valid, fresh, signed JSON object. */
  private load(cookie: string): Session | null {
    const payload = this.signer.unsign(cookie, this.maxAge);
    if (payload === null) return null;
    try {
      const data: unknown = JSON.parse(Buffer.from(payload, 'base64').toString('utf8'));
      if (data === null || typeof data !== 'object' || Array.isArray(data)) return null;
      return data as Session;
    } catch {
      return null;
    }
  }
}
