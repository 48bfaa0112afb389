/** Texts of the enrichment capability (health checks and logs). */
export const EnrichmentMessages = {
  geoipFound: (file: string) => `${basename(file)} found`,
  geoipMissing: (file: string) => `${basename(file)} not found — location tracking disabled`,
  geoipNotConfigured: 'No GeoIP database configured — location tracking disabled',
  geoipUnreadable: (file: string, reason: string) =>
    `${basename(file)} could not be read (${reason}) — location tracking disabled`,
  geoipLoaded: (file: string) => `GeoIP database loaded from ${file}`,
  geoipReloaded: (file: string) => `GeoIP database reloaded from ${file}`,
  geoipLookupFailed: (reason: string) => `GeoIP lookup failed: ${reason}`,
} as const;

function basename(file: string): string {
  const parts = file.split(/[\\/]/);
  return parts[parts.length - 1] || file;
}
