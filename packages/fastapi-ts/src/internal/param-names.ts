/**
 * The parameter names of a function or constructor, read from its source at
 * start-up (JavaScript has no reflection for them). Used when a decorator
 * leaves the name out (`@Body() item: Item`) and for undecorated parameters,
 * as FastAPI reads a signature. Destructured parameters have no name (`undefined`).
 */

function skipString(src: string, i: number): number {
  const quote = src[i];
  for (i++; i < src.length; i++) {
    if (src[i] === '\\') i++;
    else if (src[i] === quote) return i;
  }
  return i;
}

/** Splits the text between the parameter list's parentheses at top-level commas. */
function splitTopLevel(list: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < list.length; i++) {
    const c = list[i];
    if (c === '"' || c === "'" || c === '`') i = skipString(list, i);
    else if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') depth--;
    else if (c === ',' && depth === 0) {
      parts.push(list.slice(start, i));
      start = i + 1;
    }
  }
  const last = list.slice(start);
  if (last.trim() !== '') parts.push(last);
  return parts;
}

function stripComments(src: string): string {
  return src.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/[^\n]*/g, '');
}

type Callable = ((...args: never[]) => unknown) | (abstract new (...args: never[]) => unknown);

/** The source text of each parameter of `fn` (of its constructor, for a class), split at top-level commas. */
function parameterParts(fn: Callable, kind: 'function' | 'class'): string[] {
  let src = stripComments(Function.prototype.toString.call(fn));
  if (kind === 'class') {
    const m = /\bconstructor\s*\(/.exec(src);
    if (!m) return [];
    src = src.slice(m.index + m[0].length - 1);
  }
  const open = src.indexOf('(');
  const arrow = src.indexOf('=>');
  if (open === -1 || (arrow !== -1 && arrow < open)) {
    // `x => ...`: a single bare parameter.
    const m = /^\s*(?:async\s+)?([A-Za-z_$][\w$]*)\s*=>/.exec(src);
    return m ? [m[1]] : [];
  }
  let depth = 0;
  for (let i = open; i < src.length; i++) {
    const c = src[i];
    if (c === '"' || c === "'" || c === '`') i = skipString(src, i);
    else if (c === '(') depth++;
    else if (c === ')' && --depth === 0) return splitTopLevel(src.slice(open + 1, i));
  }
  return [];
}

/** The parameter list of `fn` (a function, method or class), as names. */
export function parameterNames(fn: Callable, kind: 'function' | 'class' = 'function'): Array<string | undefined> {
  return parameterParts(fn, kind).map((part) => /^\s*(?:\.\.\.)?([A-Za-z_$][\w$]*)\s*(=|$)/.exec(part)?.[1]);
}

/** Which parameters have a default value in the source (`skip = 0`): absent input is not an error for them. */
export function parameterDefaults(fn: Callable, kind: 'function' | 'class' = 'function'): boolean[] {
  return parameterParts(fn, kind).map((part) => /^\s*[A-Za-z_$][\w$]*\s*=/.test(part));
}
