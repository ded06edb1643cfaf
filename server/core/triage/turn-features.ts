// One customer turn → everything the models read: hashed text features plus named features for the
// markers, so that "stolen", "overdraft" or a chargeback threat weigh the same in a sentence the training
// data never contained. Shared by training and the live path, so both see exactly the same features.

import { extract, FeatureBuffer, namedFeature, normalize } from './features.ts';
import { findMarkers, type Markers } from './markers.ts';

const NAMED = {
  fraudCue: namedFeature('marker:fraud'),
  moneyTrouble: namedFeature('marker:money'),
  emergency: namedFeature('marker:emergency'),
  threatOfChargeback: namedFeature('marker:chargeback'),
  threatOfRegulator: namedFeature('marker:regulator'),
  frustration: namedFeature('marker:frustration'),
  empty: namedFeature('text:empty'),
} as const;

export interface TurnFeatures {
  markers: Markers;
  features: FeatureBuffer;
  /** the normalized text, e.g. for repetition checks */
  normalized: string;
}

export function turnFeatures(text: string, into: FeatureBuffer = new FeatureBuffer()): TurnFeatures {
  const normalized = normalize(text);
  const markers = findMarkers(text);
  extract(normalized, into);
  if (into.count === 0) into.add(NAMED.empty);
  // named features count like three words, so they matter in short and long turns alike
  for (const key of ['fraudCue', 'moneyTrouble', 'emergency', 'threatOfChargeback', 'threatOfRegulator', 'frustration'] as const) {
    if (markers[key]) for (let i = 0; i < 3; i++) into.add(NAMED[key]);
  }
  return { markers, features: into, normalized };
}
