import { toCsv } from '../../receiver/analytics/csv/csv.util';

describe('CSV export', () => {
  it('writes a header from the keys and one CRLF-terminated line per row', () => {
    expect(
      toCsv([
        { date: '2026-01-01', pageviews: 3 },
        { date: '2026-01-02', pageviews: 0 },
      ]),
    ).toBe('date,pageviews\r\n2026-01-01,3\r\n2026-01-02,0\r\n');
  });

  it('quotes commas, quotes and line breaks, and leaves nulls empty', () => {
    expect(toCsv([{ url: 'https://x.io/?a=1,2', title: 'Say "hi"\nthere', line: null }])).toBe(
      'url,title,line\r\n"https://x.io/?a=1,2","Say ""hi""\nthere",\r\n',
    );
  });

  it('flattens the named object columns into dotted columns and writes others as JSON', () => {
    const rows = [{ id: 1, device: { type: 'mobile', os: 'iOS' }, context: { a: [1, 2] } }];
    expect(toCsv(rows, ['device'])).toBe(
      'id,device.type,device.os,context\r\n1,mobile,iOS,"{""a"":[1,2]}"\r\n',
    );
  });

  it('defuses spreadsheet formulas in text but keeps negative numbers', () => {
    expect(toCsv([{ label: '=HYPERLINK("x")', delta: -3 }])).toBe(
      'label,delta\r\n"\'=HYPERLINK(""x"")",-3\r\n',
    );
  });

  it('writes only a header line for an empty list', () => {
    expect(toCsv([])).toBe('\r\n');
  });
});
