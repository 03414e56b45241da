import { describe, expect, it } from 'vitest';
import { Notices } from '../../src/daemon/socket/notices.js';

describe('Notices', () => {
  it('gives what was added, oldest first, once', () => {
    const notices = new Notices();
    expect(notices.drain()).toEqual([]);
    notices.add('apps.json was corrupt; set aside as apps.json.corrupt-1');
    notices.add('the daemon had crashed; 2 apps were restored');
    expect(notices.drain()).toEqual([
      'apps.json was corrupt; set aside as apps.json.corrupt-1',
      'the daemon had crashed; 2 apps were restored',
    ]);
    expect(notices.drain()).toEqual([]);
  });

  it('holds at most its maximum, drops the oldest and says how many were dropped', () => {
    const notices = new Notices(3);
    for (let i = 1; i <= 5; i += 1) notices.add(`notice ${i}`);
    expect(notices.drain()).toEqual([
      "2 older notice(s) were dropped; see the daemon's log",
      'notice 3',
      'notice 4',
      'notice 5',
    ]);
    notices.add('later');
    expect(notices.drain()).toEqual(['later']);
  });

  it('cuts a very long notice', () => {
    const notices = new Notices();
    notices.add('x'.repeat(5000));
    const [text] = notices.drain();
    expect(text).toHaveLength(1000);
  });

  it('keeps each holder to itself (no module state)', () => {
    const a = new Notices();
    const b = new Notices();
    a.add('for a');
    expect(b.drain()).toEqual([]);
    expect(a.drain()).toEqual(['for a']);
  });
});
