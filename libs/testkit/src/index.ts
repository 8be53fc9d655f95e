export * from './stack';
export * from './tokens';
export * from './processes';
export * from './kafka';
export * from './otlp-receiver';
