export { createCodecServer, type CodecServer, type CodecServerOptions } from './codec-server';
export { codecServerFromConfig } from './from-config';
