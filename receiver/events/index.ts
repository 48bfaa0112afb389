export * from './committed-event.interface';
export { CommittedEventsBus } from './committed-events.bus';
export { CommittedEventsModule } from './committed-events.module';
