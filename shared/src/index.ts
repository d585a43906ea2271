export * from './topics';
export * from './listeners';
export * from './errors';
export * from './money';
export * from './alias';
export * from './sessions';
export * from './safety';
export * from './orders';
