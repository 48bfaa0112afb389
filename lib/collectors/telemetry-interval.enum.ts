/**
 * Common collection intervals in seconds; the same members and values as the Laravel package's
 * `TelemetryInterval` enum. Any whole number of seconds >= 1 is accepted as well.
 */
export enum TelemetryInterval {
  FifteenMinutes = 900,
  ThirtyMinutes = 1800,
  FortyFiveMinutes = 2700,
  OneHour = 3600,
  TwoHours = 7200,
  ThreeHours = 10800,
  SixHours = 21600,
  TwelveHours = 43200,
  OneDay = 86400,
  TwoDays = 172800,
  ThreeDays = 259200,
  OneWeek = 604800,
}
