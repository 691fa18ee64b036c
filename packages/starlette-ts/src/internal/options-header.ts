/**
 * Parses a header of the form `type/subtype; key=value; key="quoted"`
 * (RFC 9110 section 5.6.6 parameters), the role of python-multipart's
 * `parse_options_header` in Starlette.
 */

/** The lower-cased main value and its parameters (names lower-cased, values unquoted). */
export interface OptionsHeader {
  value: string;
  params: Record<string, string>;
}

/** Splits `header` into its value and parameters; tolerant of stray whitespace and empty parameters. */
export function parseOptionsHeader(header: string | null | undefined): OptionsHeader {
  const params: Record<string, string> = Object.create(null) as Record<string, string>;
  if (!header) return { value: '', params };
  const semi = header.indexOf(';');
  const value = (semi === -1 ? header : header.slice(0, semi)).trim().toLowerCase();
  if (semi === -1) return { value, params };
  const rest = header.slice(semi + 1);
  // name = token; value = token / quoted-string (with backslash escapes)
  const pattern = /\s*([^\s=;]+)\s*(?:=\s*(?:"((?:[^"\\]|\\.)*)"|([^;]*)))?\s*(?:;|$)/gy;
  let match: RegExpExecArray | null;
  while (pattern.lastIndex < rest.length && (match = pattern.exec(rest)) !== null) {
    if (match[0] === '') break;
    const name = match[1]!.toLowerCase();
    const raw = match[2] !== undefined ? match[2].replace(/\\(.)/g, '$1') : (match[3] ?? '').trim();
    if (!(name in params)) params[name] = raw;
  }
  return { value, params };
}
