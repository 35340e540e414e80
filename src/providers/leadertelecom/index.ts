/** The leadertelecom processing module for the registry. Placeholder until its client and sandbox land. */
import type { ProviderModule } from '../provider-module.js';

export const provider: ProviderModule | undefined = undefined;
