export { AppConfigModule } from './config.module';
export { CoreEnv, IsIntInRange, IsPort, LOG_LEVELS, NODE_ENVS } from './core-env';
export { loadEnv } from './load-env';
export { ConfigValidationError, validateEnv, type EnvClass, type RawEnv } from './validate-env';
export { parseKeyRing, type KeyRing } from './key-ring';
export { SecretBox } from './secret-box';
export { LINK_SECRET_MIN_LENGTH, LinkTokens, parseSecretList, secretListProblem } from './link-tokens';
