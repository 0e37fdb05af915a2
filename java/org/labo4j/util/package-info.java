/**
 * Small task-independent helpers used by both training jobs: atomic file replacement, a seeded
 * random generator with a fully defined output, and JSON rendering of run summaries.
 */
package org.labo4j.util;
