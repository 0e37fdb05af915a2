/**
 * What the vision and the translation training jobs share: the epoch loop
 * ({@link org.labo4j.train.EpochLoop}: steps, end-of-epoch evaluation, checkpoints, stops), where a run
 * stands ({@link org.labo4j.train.TrainingPosition}), the checkpoint archive, options as public fields,
 * the run directory rules, metrics.csv and final-metrics.json, stop handling with the Ctrl-C hook,
 * progress timing, optimizer settings, the loss step with the graph cut at the logits
 * ({@link org.labo4j.train.CutLoss}), the CPU thread layout ({@link org.labo4j.train.CpuThreads}) and
 * the libtorch reference loss. Each task keeps its model, data, step, evaluation, metrics columns and
 * reports in its own package.
 */
package org.labo4j.train;
