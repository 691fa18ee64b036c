/**
 * Trust `X-Forwarded-For` / `X-Forwarded-Proto` from known proxies (uvicorn's
 * `ProxyHeadersMiddleware`): `scope.client` becomes the first untrusted
 * address of the forwarded chain, `scope.scheme` the forwarded scheme.
 */
import { BlockList, isIP } from 'node:net';
import type { ASGIApp, Receive, Scope, Send } from '../types';

/**
 * The set of proxy addresses whose forwarded headers are believed: IPs, CIDR
 * networks, `*` (everyone) or literals (for example a unix socket path).
 */
export class TrustedHosts {
  /** `*` was given: every peer is trusted. */
  readonly alwaysTrust: boolean;
  private readonly networks = new BlockList();
  private readonly literals = new Set<string>();

  constructor(trusted: string | string[]) {
    const items = (Array.isArray(trusted) ? trusted : trusted.split(',')).map((item) => item.trim()).filter(Boolean);
    this.alwaysTrust = items.includes('*');
    for (const item of items) {
      const slash = item.indexOf('/');
      const address = slash === -1 ? item : item.slice(0, slash);
      const family = isIP(address);
      if (family === 0) {
        this.literals.add(item);
      } else if (slash === -1) {
        this.networks.addAddress(address, family === 4 ? 'ipv4' : 'ipv6');
      } else {
        const prefix = Number(item.slice(slash + 1));
        if (Number.isInteger(prefix) && prefix >= 0 && prefix <= (family === 4 ? 32 : 128)) {
          this.networks.addSubnet(address, prefix, family === 4 ? 'ipv4' : 'ipv6');
        } else {
          this.literals.add(item);
        }
      }
    }
  }

  /** Whether `host` (an IP or a literal) is trusted. */
  has(host: string | null | undefined): boolean {
    if (this.alwaysTrust) return true;
    if (!host) return false;
    const family = isIP(host);
    if (family === 0) return this.literals.has(host);
    return this.networks.check(host, family === 4 ? 'ipv4' : 'ipv6');
  }

  /** The client of a forwarded chain: the last entry that is not a trusted proxy (each proxy appends). */
  clientFrom(forwardedFor: string): [string, number] {
    const hosts = forwardedFor.split(',').map((item) => item.trim());
    if (this.alwaysTrust) return parseHostPort(hosts[0]);
    for (let i = hosts.length - 1; i >= 0; i--) {
      const [host, port] = parseHostPort(hosts[i]);
      if (!this.has(host)) return [host, port];
    }
    // Every hop is trusted: the client itself is a trusted proxy.
    return parseHostPort(hosts[0]);
  }
}

/** `1.2.3.4`, `1.2.3.4:80`, `[::1]:80` -> host and port (0 when absent or malformed, as uvicorn). */
function parseHostPort(value: string): [string, number] {
  if (value.startsWith('[')) {
    const end = value.indexOf(']');
    if (end === -1) return [value, 0];
    const host = value.slice(1, end);
    const rest = value.slice(end + 1);
    if (!rest) return [host, 0];
    if (!rest.startsWith(':')) return [value, 0];
    const port = Number(rest.slice(1));
    return [host, Number.isInteger(port) && rest.length > 1 ? port : 0];
  }
  const colon = value.indexOf(':');
  if (colon !== -1 && colon === value.lastIndexOf(':')) {
    const port = Number(value.slice(colon + 1));
    return Number.isInteger(port) && colon + 1 < value.length ? [value.slice(0, colon), port] : [value, 0];
  }
  return [value, 0];
}

const SCHEMES = new Set(['http', 'https', 'ws', 'wss']);

/** Options of {@link ProxyHeadersMiddleware}. */
export interface ProxyHeadersOptions {
  /** Proxies to trust: comma-separated IPs/CIDRs, a list, or `*` (default `127.0.0.1`). */
  trustedHosts?: string | string[];
}

/**
 * ASGI middleware that rewrites `client` and `scheme` from the proxy headers of trusted peers.
 *
 * @example
 * const app = ProxyHeadersMiddleware(myApp, { trustedHosts: '10.0.0.0/8' });
 */
export function ProxyHeadersMiddleware(app: ASGIApp, options: ProxyHeadersOptions = {}): ASGIApp {
  const trusted = new TrustedHosts(options.trustedHosts ?? '127.0.0.1');
  return function proxyHeaders(scope: Scope, receive: Receive, send: Send): Promise<void> {
    if (scope.type === 'lifespan') return app(scope, receive, send);
    const client = scope.client;
    if (trusted.has(client ? client[0] : null)) {
      let proto: string | null = null;
      let forwardedFor: string[] | null = null;
      for (const [name, value] of scope.headers) {
        if (name === 'x-forwarded-proto') proto = value;
        else if (name === 'x-forwarded-for') (forwardedFor ??= []).push(value);
      }
      if (proto !== null) {
        const scheme = proto.trim();
        if (SCHEMES.has(scheme)) {
          if (scope.type === 'websocket') scope.scheme = scheme.replace('http', 'ws') as 'ws' | 'wss';
          else scope.scheme = scheme.replace('ws', 'http') as 'http' | 'https';
        }
      }
      if (forwardedFor !== null) {
        const [host, port] = trusted.clientFrom(forwardedFor.join(', '));
        // An empty header yields no usable host: keep the peer (uvicorn issue #1068).
        if (host) scope.client = [host, port];
      }
    }
    return app(scope, receive, send);
  };
}
