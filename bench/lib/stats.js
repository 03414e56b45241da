'use strict';
const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
};
const ms = (value) => `${Math.round(value)} ms`;
const mb = (bytes) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
const ratio = (ours, theirs) => (theirs ? `${(theirs / ours).toFixed(2)}x` : 'n/a');
module.exports = { median, ms, mb, ratio };
