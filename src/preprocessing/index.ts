export { StandardScaler, type StandardScalerParams, type StandardScalerState } from './standardScaler.js';
