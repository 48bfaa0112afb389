import type { IncomingMessage } from 'node:http';
import { clientIp } from '../../receiver/common/request/client-ip';
import { intField, phpTrim, stringField } from '../../receiver/common/input/php-input';
import { isDomainAllowed } from '../../receiver/common/auth/domain-lock';
import { cleanDomains, splitDomains } from '../../receiver/projects/project-input';
import { codePoint, PHP_KEPT, PHP_TRIMMED_RUN } from '../support/white-space';

const all = PHP_TRIMMED_RUN;

describe("PHP trim semantics (contract: 'trimmed')", () => {
  it('strips space, \\t, \\n, \\r, \\0 and \\x0B at both ends, in any mix', () => {
    expect(phpTrim(`${all}Home${[...all].reverse().join('')}`)).toBe('Home');
    expect(phpTrim(`${all}`)).toBe('');
    expect(phpTrim('a \t\n b')).toBe('a \t\n b');
  });

  it.each(PHP_KEPT.map((c) => [codePoint(c), c]))(
    'keeps %s at either end (JavaScript trim() would strip most of these)',
    (_name, c) => {
      expect(phpTrim(` ${c}Home${c}\n`)).toBe(`${c}Home${c}`);
    },
  );

  it('trims string fields that way and leaves coerced scalars alone', () => {
    expect(stringField({ t: `\0\x0B Home\u00A0 \r\n` }, 't')).toBe('Home\u00A0');
    expect(stringField({ t: '\u3000' }, 't')).toBe('\u3000');
    expect(stringField({ t: 12 }, 't')).toBe('12');
  });

  it('keeps long inner runs of white space intact', () => {
    const value = `x${' '.repeat(200_000)}y`;
    expect(phpTrim(`  ${value}  `)).toBe(value);
  });

  it('casts like PHP (int): numeric white space skipped, Unicode spaces not', () => {
    expect(intField({ id: ' \t\n\r\x0B\f42abc' }, 'id')).toBe(42);
    expect(intField({ id: '\u00A042' }, 'id')).toBe(0);
    expect(intField({ id: '\u300042' }, 'id')).toBe(0);
  });

  it('cleans allowed domains with PHP trim (a no-break space stays and fails the match)', () => {
    expect(cleanDomains([' \tshop.example.com\n'])).toEqual(['shop.example.com']);
    expect(splitDomains(' a.example ,\u00A0b.example')).toEqual(['a.example', '\u00A0b.example']);
    expect(isDomainAllowed('https://b.example', undefined, 'a.example,\u00A0b.example')).toBe(
      false,
    );
    expect(isDomainAllowed('https://b.example', undefined, 'a.example,\tb.example ')).toBe(true);
  });

  it('trims the left-most X-Forwarded-For entry like PHP', () => {
    const request = (forwarded: string) =>
      ({
        socket: { remoteAddress: '127.0.0.1' },
        headers: { 'x-forwarded-for': forwarded },
      }) as unknown as IncomingMessage;
    expect(clientIp(request('\t81.2.69.142 , 10.0.0.1'), ['127.0.0.1'])).toBe('81.2.69.142');
    expect(clientIp(request('81.2.69.142\u00A0, 10.0.0.1'), ['127.0.0.1'])).toBe('127.0.0.1');
  });
});
