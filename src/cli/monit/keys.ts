/**
 * Raw terminal input (raw mode, utf8) to key names. A printable character is itself ('q', 'é',
 * '/'); every other key has a name of several characters ('up', 'enter', 'ctrl-c'), so the two
 * never collide. One chunk may hold several keys (fast typing, a paste).
 */

const CSI_FINAL: Record<string, string> = {
  A: 'up',
  B: 'down',
  C: 'right',
  D: 'left',
  H: 'home',
  F: 'end',
  Z: 'shift-tab',
};

// `ESC [ n ~` keys, as xterm, rxvt and the Linux console send them.
const CSI_TILDE: Record<string, string> = {
  '1': 'home',
  '2': 'insert',
  '3': 'delete',
  '4': 'end',
  '5': 'pageup',
  '6': 'pagedown',
  '7': 'home',
  '8': 'end',
};

const CONTROL: Record<number, string> = {
  0x03: 'ctrl-c',
  0x08: 'backspace',
  0x09: 'tab',
  0x0a: 'enter',
  0x0d: 'enter',
  0x7f: 'backspace',
};

export function parseKeys(input: string): string[] {
  const keys: string[] = [];
  let i = 0;
  while (i < input.length) {
    const char = input[i]!;
    if (char === '\u001b') {
      const [key, length] = escapeSequence(input, i);
      if (key !== null) keys.push(key);
      i += length;
      continue;
    }
    const code = char.charCodeAt(0);
    if (code < 0x20 || code === 0x7f) {
      keys.push(CONTROL[code] ?? `ctrl-${String.fromCharCode(code + 0x60)}`);
      i += 1;
      continue;
    }
    const codePoint = input.codePointAt(i)!;
    const whole = String.fromCodePoint(codePoint);
    keys.push(whole);
    i += whole.length;
  }
  return keys;
}

/** The key an escape sequence at `start` stands for (null: one we ignore) and its length. */
function escapeSequence(input: string, start: number): [string | null, number] {
  const next = input[start + 1];
  if (next === undefined) return ['escape', 1];
  if (next === '\u001b') return ['escape', 1];
  if (next === 'O') {
    // SS3: cursor keys in application mode (ESC O A), and F1-F4.
    const final = input[start + 2];
    if (final === undefined) return ['alt-O', 2];
    return [CSI_FINAL[final] ?? null, 3];
  }
  if (next !== '[') {
    const codePoint = input.codePointAt(start + 1)!;
    const whole = String.fromCodePoint(codePoint);
    return [`alt-${whole}`, 1 + whole.length];
  }
  // CSI: ESC [ params intermediates final. Modifiers (ESC [ 1 ; 5 A) are read as the bare key.
  const match = /^\u001b\[([0-?]*)([ -/]*)([@-~])/.exec(input.slice(start));
  if (!match) return ['escape', 1];
  const [whole, params = '', , final = ''] = match;
  if (final === '~') return [CSI_TILDE[params.split(';')[0] ?? ''] ?? null, whole.length];
  return [CSI_FINAL[final] ?? null, whole.length];
}
