import type { FlagRollout } from '../../storage/entities/feature-flag.entity';
import { MAX_VALUE_BYTES } from '../telemetry.constants';
import { TelemetryMessages } from '../telemetry.messages';
import { InvalidInputError } from '../../common/errors/receiver.errors';

/** A validated `PUT /api/flags/:name` body. */
export interface FlagDefinition {
  description: string;
  defaultValue: unknown;
  hosts: Record<string, unknown>;
  rollout: FlagRollout | null;
}

const bad = (message: string) => new InvalidInputError(message);

const FLAG_NAME = /^[A-Za-z0-9._:-]{1,191}$/;

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Validates a flag name from the URL. */
export function parseFlagName(name: string): string {
  if (!FLAG_NAME.test(name)) throw bad(TelemetryMessages.flagNameInvalid);
  return name;
}

function assertValue(value: unknown, message: string): void {
  if (value === undefined || value === null) throw bad(message);
  if (Buffer.byteLength(JSON.stringify(value)) > MAX_VALUE_BYTES) throw bad(message);
}

/** Validates `{description?, defaultValue, hosts?, rollout?}`; values are any JSON but null. */
export function parseFlagDefinition(body: Record<string, unknown>): FlagDefinition {
  const description = body.description ?? '';
  if (typeof description !== 'string' || description.length > 1000) {
    throw bad(TelemetryMessages.flagDescriptionInvalid);
  }
  assertValue(body.defaultValue, TelemetryMessages.flagDefaultRequired);
  const hosts = body.hosts ?? {};
  if (!isObject(hosts)) throw bad(TelemetryMessages.flagHostsInvalid);
  for (const [host, value] of Object.entries(hosts)) {
    if (!host || host.length > 191) throw bad(TelemetryMessages.flagHostsInvalid);
    assertValue(value, TelemetryMessages.flagHostsInvalid);
  }
  let rollout: FlagRollout | null = null;
  if (body.rollout !== undefined && body.rollout !== null) {
    const candidate = body.rollout;
    if (
      !isObject(candidate) ||
      typeof candidate.percent !== 'number' ||
      !(candidate.percent >= 0 && candidate.percent <= 100)
    ) {
      throw bad(TelemetryMessages.flagRolloutInvalid);
    }
    assertValue(candidate.value, TelemetryMessages.flagRolloutInvalid);
    rollout = { percent: candidate.percent, value: candidate.value };
  }
  return { description, defaultValue: body.defaultValue, hosts, rollout };
}
