export type { RealtimeAlert, RealtimeChannel } from './interfaces/realtime.interfaces';
export { RealtimeFanout } from './realtime.fanout';
export { RealtimeModule } from './realtime.module';
