import { logLevel, type logCreator } from 'kafkajs';
import type { Logger } from 'pino';

function pinoLevel(level: logLevel): 'error' | 'warn' | 'info' | 'debug' {
  switch (level) {
    case logLevel.ERROR:
    case logLevel.NOTHING:
      return 'error';
    case logLevel.WARN:
      return 'warn';
    case logLevel.INFO:
      return 'info';
    default:
      return 'debug';
  }
}

/** Routes kafkajs's own logging into the service's pino logger (pass as `new Kafka({ logCreator })`). */
export function kafkaLogCreator(logger: Logger): logCreator {
  return () =>
    ({ namespace, level, log }) => {
      const { message, ...fields } = log;
      logger[pinoLevel(level)]({ ...fields, kafkaNamespace: namespace }, message);
    };
}
