import { createHash } from 'node:crypto';
import type { FeatureFlagEntity } from '../../storage/entities/feature-flag.entity';

/**
 * Stable bucket of a host for a flag, in [0, 100): the same host always lands in the same bucket
 * of a flag (so raising a rollout only ever adds hosts), and flags are independent of each other.
 */
export function rolloutBucket(flag: string, host: string): number {
  const digest = createHash('sha256').update(`${flag}\u0000${host}`).digest();
  return (digest.readUInt32BE(0) / 0x1_0000_0000) * 100;
}

/** The value of one flag for one host: per-host override, else rollout, else the default. */
export function resolveFlag(flag: FeatureFlagEntity, host: string): unknown {
  if (Object.prototype.hasOwnProperty.call(flag.host_overrides, host)) {
    return flag.host_overrides[host];
  }
  if (flag.rollout && rolloutBucket(flag.name, host) < flag.rollout.percent) {
    return flag.rollout.value;
  }
  return flag.default_value;
}

/** Every flag of a project resolved for a host, by name. */
export function resolveFlags(flags: FeatureFlagEntity[], host: string): Record<string, unknown> {
  const resolved: Record<string, unknown> = {};
  for (const flag of [...flags].sort((a, b) => a.name.localeCompare(b.name))) {
    resolved[flag.name] = resolveFlag(flag, host);
  }
  return resolved;
}
