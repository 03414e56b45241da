import { describe, expect, it } from 'vitest';
import { parseKeys } from '../../src/cli/monit/keys.js';

const ESC = '\u001b';

describe('parseKeys', () => {
  it.each([
    ['arrow up (CSI)', `${ESC}[A`, ['up']],
    ['arrow down (CSI)', `${ESC}[B`, ['down']],
    ['arrow up (application mode, SS3)', `${ESC}OA`, ['up']],
    ['arrow down (application mode, SS3)', `${ESC}OB`, ['down']],
    ['ctrl+arrow, modifiers ignored', `${ESC}[1;5A`, ['up']],
    ['page up and down', `${ESC}[5~${ESC}[6~`, ['pageup', 'pagedown']],
    ['home and end, both spellings', `${ESC}[H${ESC}[F${ESC}[1~${ESC}[4~`, ['home', 'end', 'home', 'end']],
    ['Enter as CR', '\r', ['enter']],
    ['Enter as LF', '\n', ['enter']],
    ['backspace as DEL and BS', '\u007f\b', ['backspace', 'backspace']],
    ['Ctrl-C', '\u0003', ['ctrl-c']],
    ['another control key', '\u0004', ['ctrl-d']],
    ['Esc alone', ESC, ['escape']],
    ['Esc then an arrow', `${ESC}${ESC}[A`, ['escape', 'up']],
    ['Alt+x', `${ESC}x`, ['alt-x']],
    ['letters and symbols', 'jkq/rsyn', ['j', 'k', 'q', '/', 'r', 's', 'y', 'n']],
    ['several keys in one chunk', `jj${ESC}[Bq`, ['j', 'j', 'down', 'q']],
    ['non-ASCII characters whole', 'é日😀', ['é', '日', '😀']],
    ['space', ' ', [' ']],
  ])('%s', (_label, input, keys) => {
    expect(parseKeys(input)).toEqual(keys);
  });

  it('ignores sequences it does not know (function keys, focus events)', () => {
    expect(parseKeys(`${ESC}[15~${ESC}[I${ESC}OPq`)).toEqual(['q']);
  });

  it('gives named keys names of several characters, so they never collide with typed text', () => {
    for (const key of parseKeys(`${ESC}[A${ESC}[B\r\u007f\u0003${ESC}`)) expect([...key].length).toBeGreaterThan(1);
  });
});
