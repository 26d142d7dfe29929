/**
 * Parses what the user typed as a method's arguments. A JSON array is the argument list; any other
 * JSON value is the only argument (so `{"a":1}` passes one object); nothing at all is no arguments.
 * To pass a single array, wrap it: `[[1, 2]]`.
 */
export function parseCallArguments(text: string): { args: unknown[] } | { error: string } {
  const trimmed = text.trim();
  if (trimmed === '') return { args: [] };
  let value: unknown;
  try {
    value = JSON.parse(trimmed);
  } catch (error) {
    return { error: `Not valid JSON: ${error instanceof Error ? error.message : String(error)}` };
  }
  return { args: Array.isArray(value) ? value : [value] };
}

/** A call result as one readable text for a notification (shortened) or an output channel (whole). */
export function formatResult(value: unknown, maxLength = Number.POSITIVE_INFINITY): string {
  let text: string;
  if (value === undefined) text = 'undefined';
  else if (typeof value === 'string') text = JSON.stringify(value);
  else {
    try {
      text = JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v instanceof Uint8Array ? `<${v.byteLength} bytes>` : v), 2) ?? String(value);
    } catch {
      // Cycles and other values JSON cannot hold.
      text = String(value);
    }
  }
  return text.length > maxLength ? `${text.slice(0, Math.max(0, maxLength - 1))}…` : text;
}
