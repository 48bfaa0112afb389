import { TestingModule } from '@nestjs/testing';
import { firstValueFrom, take, toArray } from 'rxjs';
import { FeatureFlagsService } from '../../lib';
import { bootClient } from './flags-fixture';

describe('FeatureFlagsService', () => {
  let moduleRef: TestingModule;
  let flags: FeatureFlagsService;

  beforeEach(async () => {
    moduleRef = await bootClient({});
    flags = moduleRef.get(FeatureFlagsService);
  });
  afterEach(() => moduleRef.close());

  it('answers defaults before any flags arrived', () => {
    expect(flags.isEnabled('new_checkout')).toBe(false);
    expect(flags.isEnabled('new_checkout', true)).toBe(true);
    expect(flags.getValue('theme', 'light')).toBe('light');
    expect(flags.getAll()).toEqual({});
  });

  it('reads booleans, numbers and on/off strings as enabled or not, and anything else as the default', async () => {
    await flags.apply(
      { a: true, b: false, c: 1, d: 0, e: 'on', f: 'OFF', g: 'blue', h: null, i: { x: 1 } },
      'poll',
    );
    expect([flags.isEnabled('a'), flags.isEnabled('b', true)]).toEqual([true, false]);
    expect([flags.isEnabled('c'), flags.isEnabled('d', true)]).toEqual([true, false]);
    expect([flags.isEnabled('e'), flags.isEnabled('f', true)]).toEqual([true, false]);
    expect([flags.isEnabled('g', true), flags.isEnabled('g')]).toEqual([true, false]);
    expect([flags.isEnabled('h', true), flags.isEnabled('i', true)]).toEqual([true, true]);
  });

  it('getValue returns typed values and the default for unknown or null flags', async () => {
    await flags.apply(
      { theme: 'dark', limit: 25, banner: { text: 'Sale 🎉' }, gone: null },
      'poll',
    );
    expect(flags.getValue('theme', 'light')).toBe('dark');
    expect(flags.getValue<number>('limit', 10)).toBe(25);
    expect(flags.getValue('banner', { text: '' })).toEqual({ text: 'Sale 🎉' });
    expect(flags.getValue('gone', 'fallback')).toBe('fallback');
    expect(flags.getValue('missing', 7)).toBe(7);
  });

  it("answers the default for names of Object.prototype members the server did not send, and the server's value when it did", async () => {
    await flags.apply({ new_checkout: true }, 'poll');
    expect(flags.getValue('constructor', 'fallback')).toBe('fallback');
    expect(flags.getValue('toString', 7)).toBe(7);
    expect(flags.getValue('__proto__', null)).toBeNull();
    expect(flags.isEnabled('hasOwnProperty', true)).toBe(true);
    await flags.apply(JSON.parse('{"constructor": "on", "__proto__": {"x": 1}}'), 'poll');
    expect(flags.isEnabled('constructor')).toBe(true);
    expect(flags.getValue('__proto__', {})).toEqual({ x: 1 });
  });

  it('changes$ reports added, changed and removed flags, and stays quiet when nothing changed', async () => {
    const emitted = firstValueFrom(flags.changes$.pipe(take(2), toArray()));
    await flags.apply({ maintenance: false, theme: 'light' }, 'poll');
    await flags.apply({ maintenance: false, theme: 'light' }, 'poll');
    await flags.apply({ maintenance: true, beta: true }, 'report');
    const [first, second] = await emitted;
    expect(first.source).toBe('poll');
    expect(first.changes.map((c) => c.name).sort()).toEqual(['maintenance', 'theme']);
    expect(second.source).toBe('report');
    expect(second.changes).toEqual(
      expect.arrayContaining([
        { name: 'maintenance', previous: false, current: true },
        { name: 'theme', previous: 'light', current: undefined },
        { name: 'beta', previous: undefined, current: true },
      ]),
    );
    expect(second.changes).toHaveLength(3);
    expect(flags.getAll()).toEqual({ maintenance: true, beta: true });
  });

  it('ignores a flags value that is not an object and keeps the current flags', async () => {
    await flags.apply({ beta: true }, 'poll');
    expect(await flags.apply(['beta'], 'report')).toEqual([]);
    expect(await flags.apply('on', 'report')).toEqual([]);
    expect(flags.getAll()).toEqual({ beta: true });
  });

  it('getAll returns a snapshot the caller cannot modify', async () => {
    await flags.apply({ beta: true }, 'poll');
    const all = flags.getAll() as Record<string, unknown>;
    expect(() => {
      all.beta = false;
    }).toThrow(TypeError);
    expect(flags.isEnabled('beta')).toBe(true);
  });

  it('hands out object and list flags no caller can change for the others', async () => {
    const sent = { theme: { color: 'dark', sizes: [1, 2] } };
    await flags.apply(sent, 'poll');
    const theme = flags.getValue<{ color: string; sizes: number[] }>('theme', {
      color: 'light',
      sizes: [],
    });
    // (Messages, not TypeError: structuredClone's arrays come from another realm under jest.)
    expect(() => {
      theme.color = 'light';
    }).toThrow(/read.only/);
    expect(() => theme.sizes.push(3)).toThrow(/not extensible/);
    expect(flags.getValue('theme', null)).toEqual({ color: 'dark', sizes: [1, 2] });
    // The answer it came in stays the caller's own.
    sent.theme.color = 'blue';
    expect(flags.getValue('theme', null)).toEqual({ color: 'dark', sizes: [1, 2] });
  });
});
