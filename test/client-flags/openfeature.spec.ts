import { TestingModule, Test } from '@nestjs/testing';
import {
  ErrorCode,
  OpenFeature,
  ProviderEvents,
  StandardResolutionReasons,
} from '@openfeature/server-sdk';
import { FeatureFlagsService, TelemetryModule } from '../../lib';
import { TelemetryOpenFeatureModule } from '../../lib/flags/openfeature/telemetry-openfeature.module';
import { TelemetryOpenFeatureProvider } from '../../lib/flags/openfeature/telemetry-openfeature.provider';
import { loadOpenFeatureSdk } from '../../lib/flags/openfeature/openfeature.loader';

describe('OpenFeature provider', () => {
  let moduleRef: TestingModule;
  let flags: FeatureFlagsService;

  beforeEach(async () => {
    moduleRef = await Test.createTestingModule({
      imports: [
        TelemetryModule.forRoot({
          host: 'shop-1',
          store: 'memory',
          manualRegistration: true,
          flagsPollInterval: 0,
        }),
        TelemetryOpenFeatureModule.forRoot(),
      ],
    }).compile();
    await moduleRef.init();
    flags = moduleRef.get(FeatureFlagsService);
    await flags.apply(
      { new_checkout: true, theme: 'dark', limit: 25, banner: { text: 'Sale' } },
      'poll',
    );
  });
  afterEach(async () => {
    await moduleRef.close();
    await OpenFeature.clearProviders();
  });

  it('is registered as the default provider and evaluates flags of every type through the standard client', async () => {
    const client = OpenFeature.getClient();
    expect(OpenFeature.getProviderMetadata().name).toBe('nestjs-telemetry');
    expect(await client.getBooleanValue('new_checkout', false)).toBe(true);
    expect(await client.getStringValue('theme', 'light')).toBe('dark');
    expect(await client.getNumberValue('limit', 10)).toBe(25);
    expect(await client.getObjectValue('banner', {})).toEqual({ text: 'Sale' });
  });

  it('answers the default with FLAG_NOT_FOUND for unknown flags and TYPE_MISMATCH for a wrong type', async () => {
    const client = OpenFeature.getClient();
    const missing = await client.getBooleanDetails('nope', true);
    expect(missing).toMatchObject({ value: true, errorCode: ErrorCode.FLAG_NOT_FOUND });
    const mismatch = await client.getNumberDetails('theme', 3);
    expect(mismatch).toMatchObject({ value: 3, errorCode: ErrorCode.TYPE_MISMATCH });
    const found = await client.getStringDetails('theme', 'light');
    expect(found).toMatchObject({ value: 'dark', reason: StandardResolutionReasons.STATIC });
  });

  it('answers FLAG_NOT_FOUND, not a type mismatch or Object.prototype, for names of inherited members', async () => {
    const client = OpenFeature.getClient();
    const toString = await client.getStringDetails('toString', 'light');
    expect(toString).toMatchObject({ value: 'light', errorCode: ErrorCode.FLAG_NOT_FOUND });
    const proto = await client.getObjectDetails('__proto__', { fallback: true });
    expect(proto).toMatchObject({ value: { fallback: true }, errorCode: ErrorCode.FLAG_NOT_FOUND });
  });

  it('emits ConfigurationChanged with the changed flag names when the flags change', async () => {
    const client = OpenFeature.getClient();
    const event = new Promise<string[] | undefined>((resolve) =>
      client.addHandler(ProviderEvents.ConfigurationChanged, (details) =>
        resolve(details?.flagsChanged),
      ),
    );
    await flags.apply(
      { new_checkout: false, theme: 'dark', limit: 25, banner: { text: 'Sale' } },
      'report',
    );
    expect(await event).toEqual(['new_checkout']);
    expect(await client.getBooleanValue('new_checkout', true)).toBe(false);
  });

  it('can be constructed by hand for apps that register providers themselves', async () => {
    const provider = new TelemetryOpenFeatureProvider(flags);
    await OpenFeature.setProviderAndWait('by-hand', provider);
    expect(await OpenFeature.getClient('by-hand').getNumberValue('limit', 0)).toBe(25);
  });

  it('without @openfeature/server-sdk installed, fails with the install command', () => {
    const notInstalled = () => {
      throw Object.assign(new Error("Cannot find module '@openfeature/server-sdk'"), {
        code: 'MODULE_NOT_FOUND',
      });
    };
    expect(() => loadOpenFeatureSdk(notInstalled)).toThrow('npm install @openfeature/server-sdk');
  });
});
