import { allocateLinkCode, generateLinkCode } from '../../receiver/links/link-code.generator';

describe('link codes', () => {
  it('are 8 alphanumeric characters using lower, upper case and digits', () => {
    const codes = Array.from({ length: 2000 }, generateLinkCode);
    for (const code of codes) expect(code).toMatch(/^[a-zA-Z0-9]{8}$/);
    const joined = codes.join('');
    expect(joined).toMatch(/[a-z]/);
    expect(joined).toMatch(/[A-Z]/);
    expect(joined).toMatch(/[0-9]/);
    expect(new Set(codes).size).toBe(codes.length);
  });

  it('retry after a collision until a free code comes up', async () => {
    const candidates = ['TAKEN001', 'taken002', 'Free0003'];
    const taken = new Set(['taken001', 'taken002']);
    const code = await allocateLinkCode(
      async (c) => taken.has(c.toLowerCase()),
      () => candidates.shift() as string,
    );
    expect(code).toBe('Free0003');
  });

  it('give up after the attempt budget instead of looping forever', async () => {
    let calls = 0;
    const code = await allocateLinkCode(
      async () => true,
      () => `code${++calls}`.padEnd(8, 'x'),
      5,
    );
    expect(code).toBeUndefined();
    expect(calls).toBe(5);
  });
});
