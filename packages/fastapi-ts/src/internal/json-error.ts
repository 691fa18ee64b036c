/**
 * Locates the first syntax error of a JSON text the way Python's `json`
 * module reports it (message and character position), because FastAPI's
 * `json_invalid` error carries both and V8's messages differ. Only called
 * after `JSON.parse` failed, so speed does not matter here.
 */

/** Python's message and 0-based position of the first JSON syntax error, or undefined if the text is valid. */
export function locateJsonError(text: string): { pos: number; msg: string } | undefined {
  let i = 0;
  const fail = (msg: string, pos = i): never => {
    throw { pos, msg };
  };
  const ws = (): void => {
    while (i < text.length && ' \t\n\r'.includes(text[i])) i++;
  };
  const string = (): void => {
    const start = i++;
    while (true) {
      if (i >= text.length) fail('Unterminated string starting at', start);
      const c = text[i];
      if (c === '"') {
        i++;
        return;
      }
      if (c === '\\') {
        const e = text[i + 1];
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) fail('Invalid \\uXXXX escape', i + 1);
          i += 6;
        } else if (e !== undefined && '"\\/bfnrt'.includes(e)) i += 2;
        else fail('Invalid \\escape', i);
        continue;
      }
      if (c.charCodeAt(0) < 0x20) fail('Invalid control character at', i);
      i++;
    }
  };
  const value = (): void => {
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      ws();
      if (text[i] === '}') {
        i++;
        return;
      }
      while (true) {
        ws();
        if (text[i] !== '"') fail('Expecting property name enclosed in double quotes');
        string();
        ws();
        if (text[i] !== ':') fail("Expecting ':' delimiter");
        i++;
        value();
        ws();
        if (text[i] === '}') {
          i++;
          return;
        }
        if (text[i] !== ',') fail("Expecting ',' delimiter");
        i++;
      }
    }
    if (c === '[') {
      i++;
      ws();
      if (text[i] === ']') {
        i++;
        return;
      }
      while (true) {
        value();
        ws();
        if (text[i] === ']') {
          i++;
          return;
        }
        if (text[i] !== ',') fail("Expecting ',' delimiter");
        i++;
      }
    }
    if (c === '"') return string();
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
    if (m && m[0] !== '-') {
      i += m[0].length;
      return;
    }
    for (const word of ['true', 'false', 'null', 'NaN', 'Infinity', '-Infinity']) {
      if (text.startsWith(word, i)) {
        i += word.length;
        return;
      }
    }
    fail('Expecting value');
  };
  try {
    value();
    ws();
    if (i < text.length) fail('Extra data');
    return undefined;
  } catch (error) {
    if (error && typeof error === 'object' && 'msg' in error) return error as { pos: number; msg: string };
    throw error;
  }
}
