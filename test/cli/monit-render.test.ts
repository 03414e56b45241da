import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { FrameRenderer } from '../../src/cli/monit/renderer.js';
import { Screen } from '../../src/cli/monit/screen.js';
import { peak, sparkline } from '../../src/cli/monit/sparkline.js';
import { cell, LineBuilder, sanitizeLine, stripAnsi, truncate, truncateStart, visibleWidth } from '../../src/cli/render/text.js';

const ESC = '\u001b';

describe('sparkline', () => {
  it('scales samples from 0 to the highest, one bar per sample', () => {
    expect(sparkline([0, 1, 2, 3, 4, 5, 6, 7], 8)).toBe('▁▂▃▄▅▆▇█');
  });

  it('keeps the newest samples at the right edge, padding with blanks when there are few', () => {
    expect(sparkline([7, 0], 5)).toBe('   █▁');
    expect(sparkline([0, 0, 0, 7], 2)).toBe('▁█');
  });

  it('draws a missing sample (not running) as a blank, and scales to a given maximum', () => {
    expect(sparkline([10, null, 10], 3, 10)).toBe('█ █');
    expect(sparkline([5, 10], 2, 100)).toBe('▁▂');
    expect(sparkline([0, 0], 2)).toBe('▁▁');
    expect(sparkline([1, 2], 0)).toBe('');
  });

  it('finds the peak, ignoring blanks', () => {
    expect(peak([1, null, 9, 3])).toBe(9);
    expect(peak([null])).toBeNull();
  });
});

describe('text', () => {
  it('measures visible columns: no ANSI codes, wide characters count two', () => {
    expect(visibleWidth(`${ESC}[31mred${ESC}[39m`)).toBe(3);
    expect(visibleWidth('日本')).toBe(4);
    expect(visibleWidth('e\u0301')).toBe(1);
    expect(visibleWidth('▁█│…')).toBe(4);
  });

  it('cuts with an ellipsis, from the end or from the start, and pads cells', () => {
    expect(truncate('abcdef', 4)).toBe('abc…');
    expect(truncate('abc', 4)).toBe('abc');
    expect(truncate('日本語', 4)).toBe('日…');
    expect(truncateStart('/srv/app/server.js', 10)).toBe('…server.js');
    expect(cell('ab', 4)).toBe('ab  ');
    expect(cell('ab', 4, 'right')).toBe('  ab');
    expect(cell('abcdef', 4)).toBe('abc…');
  });

  it('cleans app output so it cannot move the cursor or change colours', () => {
    expect(sanitizeLine(`${ESC}[2J${ESC}[31mred${ESC}[0m\there`)).toBe('red    here');
    expect(sanitizeLine(`${ESC}]0;title\u0007text`)).toBe('text');
    expect(sanitizeLine('50%\r100%\r\n')).toBe('100%');
    expect(sanitizeLine('a\u0000b\u009bc')).toBe('abc');
  });

  it('builds lines of exactly the width, styling after cutting', () => {
    const red = (t: string) => `${ESC}[31m${t}${ESC}[39m`;
    const line = new LineBuilder(8).add('ab').add('cdefghij', red).toString();
    expect(line).toBe(`ab${ESC}[31mcdefg…${ESC}[39m`);
    expect(visibleWidth(line)).toBe(8);
    expect(new LineBuilder(6).add('ab').toString()).toBe('ab    ');
    expect(new LineBuilder(6).add('ab').fill('─').toString()).toBe('ab────');
    expect(stripAnsi(new LineBuilder(3).addStyled(red('wide!'), 5).toString())).toBe('wi…');
  });
});

describe('FrameRenderer', () => {
  it('draws the first frame whole, after clearing the screen', () => {
    const out = new FrameRenderer().frame(['one', 'two']);
    expect(out).toBe(`${ESC}[0m${ESC}[H${ESC}[2J${ESC}[1;1Hone${ESC}[2;1Htwo`);
  });

  it('then rewrites only the lines that changed, in one string', () => {
    const renderer = new FrameRenderer();
    renderer.frame(['a', 'b', 'c', 'd']);
    expect(renderer.frame(['a', 'B', 'c', 'D'])).toBe(`${ESC}[2;1HB${ESC}[4;1HD`);
    expect(renderer.frame(['a', 'B', 'c', 'D'])).toBe('');
  });

  it('draws everything again after a reset (a resize) or when the height changes', () => {
    const renderer = new FrameRenderer();
    renderer.frame(['a', 'b']);
    renderer.reset();
    expect(renderer.frame(['a', 'b'])).toContain(`${ESC}[2J`);
    expect(renderer.frame(['a', 'b', 'c'])).toContain(`${ESC}[2J`);
  });
});

class FakeInput extends EventEmitter {
  isTTY = true;
  isRaw = false;
  paused = true;
  encoding: string | null = null;
  setRawMode(mode: boolean) {
    this.isRaw = mode;
    return this;
  }
  setEncoding(encoding: string) {
    this.encoding = encoding;
    return this;
  }
  resume() {
    this.paused = false;
    return this;
  }
  pause() {
    this.paused = true;
    return this;
  }
}

class FakeOutput extends EventEmitter {
  written = '';
  columns = 100;
  rows = 30;
  write(text: string) {
    this.written += text;
    return true;
  }
}

describe('Screen', () => {
  function open() {
    const input = new FakeInput();
    const output = new FakeOutput();
    const screen = new Screen(input, output);
    const seen: string[][] = [];
    let resized = 0;
    screen.start({ keys: (keys) => seen.push(keys), resize: () => (resized += 1), signal: () => {} });
    return { input, output, screen, seen, resized: () => resized };
  }

  it('enters raw mode and the alternate screen with the cursor hidden, and reads keys', () => {
    const { input, output, seen, screen } = open();
    expect(input.isRaw).toBe(true);
    expect(input.paused).toBe(false);
    expect(input.encoding).toBe('utf8');
    expect(output.written).toBe(`${ESC}[?1049h${ESC}[?25l${ESC}[?7l`);
    input.emit('data', `j${ESC}[Aq`);
    expect(seen).toEqual([['j', 'up', 'q']]);
    expect(screen.size()).toEqual({ columns: 100, rows: 30 });
    screen.close();
  });

  it('on resize, asks for a frame and redraws it whole', () => {
    const { output, screen, resized } = open();
    screen.draw(['a', 'b']);
    screen.draw(['a', 'b']);
    output.written = '';
    output.emit('resize');
    expect(resized()).toBe(1);
    screen.draw(['a', 'b']);
    expect(output.written).toContain(`${ESC}[2J`);
    screen.close();
  });

  it('restores everything on close, once, and stops listening', () => {
    const { input, output, screen, seen } = open();
    const listeners = process.listenerCount('SIGTERM');
    screen.close();
    expect(input.isRaw).toBe(false);
    expect(input.paused).toBe(true);
    expect(output.written.endsWith(`${ESC}[0m${ESC}[?7h${ESC}[?25h${ESC}[?1049l`)).toBe(true);
    expect(process.listenerCount('SIGTERM')).toBe(listeners - 1);
    expect(input.listenerCount('data')).toBe(0);
    expect(output.listenerCount('resize')).toBe(0);
    const length = output.written.length;
    screen.close();
    screen.draw(['late']);
    expect(output.written.length).toBe(length);
    input.emit('data', 'q');
    expect(seen).toEqual([]);
  });
});
