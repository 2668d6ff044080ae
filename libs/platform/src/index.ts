export { PlatformModule, type PlatformOptions } from './platform.module';
