/**
 * `Range` header parsing (RFC 9110 section 14.2) with Starlette's rules:
 * only `bytes`, unparsable ranges ignored, a start past the end is 416,
 * overlapping ranges merged.
 */

/** The header is not a usable byte range request: answer 400 with `message`. */
export class MalformedRangeHeader extends Error {
  constructor(message = 'Malformed range header.') {
    super(message);
  }
}

/** No requested range overlaps the file: answer 416 with `content-range: bytes *\/size`. */
export class RangeNotSatisfiable extends Error {
  constructor(readonly size: number) {
    super(`Range not satisfiable for a resource of ${size} bytes`);
  }
}

const DIGITS = /^\d+$/;

/** Returns `[start, end)` pairs (end exclusive), merged and sorted when there are several. */
export function parseRangeHeader(header: string, size: number): [number, number][] {
  const eq = header.indexOf('=');
  if (eq === -1) throw new MalformedRangeHeader();
  if (header.slice(0, eq).trim().toLowerCase() !== 'bytes') throw new MalformedRangeHeader('Only support bytes range');

  const ranges: [number, number][] = [];
  for (const rawPart of header.slice(eq + 1).split(',')) {
    const part = rawPart.trim();
    const dash = part.indexOf('-');
    if (!part || part === '-' || dash === -1) continue;
    const startText = part.slice(0, dash).trim();
    const endText = part.slice(dash + 1).trim();
    // Non-numeric bounds are ignored, as Starlette ignores what int() rejects.
    if ((startText && !DIGITS.test(startText)) || (endText && !DIGITS.test(endText))) continue;
    if (!startText && !endText) continue;
    let start: number;
    let end: number;
    if (!startText) {
      // Suffix range: the last N bytes.
      start = Math.max(size - Number(endText), 0);
      end = size;
    } else {
      start = Number(startText);
      end = endText && Number(endText) < size ? Number(endText) + 1 : size;
    }
    ranges.push([start, end]);
  }

  if (ranges.length === 0) throw new MalformedRangeHeader('Range header: range must be requested');
  if (ranges.some(([start]) => !(start >= 0 && start < size))) throw new RangeNotSatisfiable(size);
  if (ranges.some(([start, end]) => start > end)) throw new MalformedRangeHeader('Range header: start must be less than end');
  if (ranges.length === 1) return ranges;

  ranges.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const merged: [number, number][] = [ranges[0]!];
  for (const [start, end] of ranges.slice(1)) {
    const last = merged[merged.length - 1]!;
    if (start <= last[1]) last[1] = Math.max(last[1], end);
    else merged.push([start, end]);
  }
  return merged;
}
