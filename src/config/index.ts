export { DEFAULT_PROPERTIES, ALWAYS_DENIED, canonicalPropertyName, getProperty } from './defaults.js';
export {
  PropertyError,
  checkOverridable,
  isKnownPropertyName,
  parsePropertiesText,
  propertiesFromEnv,
  loadServerConfig,
  mergeProperties,
} from './properties.js';
