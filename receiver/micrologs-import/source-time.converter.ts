import { zonedToUtc } from '../common/time/receiver-time';

/**
 * Turns Micrologs timestamps (local wall times of its server's zone, no offset: contract 1.10)
 * into instants. The zone's offset is looked up once per local hour, not per row: a million rows
 * fall into a few thousand hours, and every zone changes its offset on an hour boundary.
 */
export class SourceTimeConverter {
  private readonly offsets = new Map<string, number>();

  constructor(readonly timeZone: string) {}

  /** The instant of `YYYY-MM-DD HH:MM:SS[.fff]`, or `null` for a missing or zero date. */
  instant(value: unknown): Date | null {
    if (value === null || value === undefined) return null;
    const text = value instanceof Date ? null : String(value);
    if (text === null) return value as Date;
    const match = /^(\d{4})-(\d\d)-(\d\d)[ T](\d\d):(\d\d):(\d\d)(\.\d+)?$/.exec(text);
    if (!match || match[1] === '0000') return null;
    const [, y, mo, d, h, mi, s, fraction] = match;
    const wall = Date.UTC(
      +y,
      +mo - 1,
      +d,
      +h,
      +mi,
      +s,
      fraction ? Math.round(+fraction * 1000) : 0,
    );
    const hour = text.slice(0, 13);
    let offset = this.offsets.get(hour);
    if (offset === undefined) {
      offset =
        Date.UTC(+y, +mo - 1, +d, +h) -
        zonedToUtc(`${y}-${mo}-${d} ${h}:00:00`, this.timeZone).getTime();
      this.offsets.set(hour, offset);
    }
    return new Date(wall - offset);
  }
}
