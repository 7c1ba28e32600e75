/**
 * Text from a file (a scenario's names and description, a profile's, a path a hostile client sent the fixture site)
 * goes to a terminal only through `printable`: control characters — ESC and the rest of C0 but the line feed, DEL,
 * C1 — and the bidirectional overrides that reorder what a line seems to say are shown as escapes (`\x1b`, `\u202e`),
 * so a name cannot move the cursor, clear the screen, retitle the window or hide text.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
const UNSAFE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

export function printable(text: string): string {
  return text.replace(UNSAFE, (c) => {
    const code = c.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}
