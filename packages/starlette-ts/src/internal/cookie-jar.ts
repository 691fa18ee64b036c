// A small cookie jar for TestClient, close to what httpx's does for one test host:
// stores Set-Cookie by name, honours Max-Age/expires deletion, Path and Secure.

interface StoredCookie {
  value: string;
  path: string;
  secure: boolean;
}

export class CookieJar {
  private readonly cookies = new Map<string, StoredCookie>();

  /** Sets a cookie directly (client `cookies` option). */
  set(name: string, value: string, path = '/'): void {
    this.cookies.set(name, { value, path, secure: false });
  }

  delete(name: string): void {
    this.cookies.delete(name);
  }

  /** Stores the cookies of one response's Set-Cookie headers. */
  update(setCookies: string[], requestPath: string): void {
    for (const header of setCookies) {
      const [pair, ...attributes] = header.split(';');
      const eq = pair.indexOf('=');
      if (eq <= 0) continue;
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      let path = requestPath.slice(0, requestPath.lastIndexOf('/') + 1) || '/';
      let secure = false;
      let expired = false;
      for (const attribute of attributes) {
        const [rawKey, ...rest] = attribute.split('=');
        const key = rawKey.trim().toLowerCase();
        const attrValue = rest.join('=').trim();
        if (key === 'path' && attrValue.startsWith('/')) path = attrValue;
        else if (key === 'secure') secure = true;
        else if (key === 'max-age') {
          if (Number(attrValue) <= 0) expired = true;
        } else if (key === 'expires') {
          const when = Date.parse(attrValue);
          if (!Number.isNaN(when) && when <= Date.now()) expired = true;
        }
      }
      if (expired) this.cookies.delete(name);
      else this.cookies.set(name, { value, path, secure });
    }
  }

  /** The `Cookie` header for a request to `path` (or undefined when nothing applies). */
  header(path: string, isSecure: boolean, extra: Record<string, string> = {}): string | undefined {
    const parts: string[] = [];
    const seen = new Set(Object.keys(extra));
    for (const [name, cookie] of this.cookies) {
      if (seen.has(name)) continue;
      if (cookie.secure && !isSecure) continue;
      if (!(path === cookie.path || path.startsWith(cookie.path.endsWith('/') ? cookie.path : cookie.path + '/'))) continue;
      parts.push(`${name}=${cookie.value}`);
    }
    for (const [name, value] of Object.entries(extra)) parts.push(`${name}=${value}`);
    return parts.length > 0 ? parts.join('; ') : undefined;
  }

  /** The stored cookies as a record. */
  toRecord(): Record<string, string> {
    return Object.fromEntries([...this.cookies].map(([name, cookie]) => [name, cookie.value]));
  }
}
