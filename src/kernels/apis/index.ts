/** Every loss API implementation, keyed by catalog id. */
import type { ApiTable } from '../api.js';
import { implementations as regression } from './regression.js';
import { implementations as classification } from './classification.js';
import { implementations as margin } from './margin.js';
import { implementations as segmentation } from './segmentation.js';
import { implementations as sequence } from './sequence.js';

export const IMPLEMENTATIONS: ApiTable = { ...regression, ...classification, ...margin, ...segmentation, ...sequence };
