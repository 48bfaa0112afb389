export { ReceiverFileLogger } from './receiver-file.logger';
export type { ReceiverFileLoggerOptions } from './interfaces/receiver-file-logger-options.interface';
