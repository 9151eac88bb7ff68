/** Kernel implementations of the margin group, keyed by catalog id. */
import type { ApiTable } from '../api.js';

export const implementations: ApiTable = {};
