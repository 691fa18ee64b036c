/**
 * Sets `target[key] = value` as an own data property. A plain assignment of
 * the key `"__proto__"` would replace the object's prototype instead, and the
 * key would be lost; names that come off the wire (cookies, headers) may be
 * any string.
 */
export function setOwn<T>(target: Record<string, T>, key: string, value: T): void {
  if (key === '__proto__') Object.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true });
  else target[key] = value;
}
