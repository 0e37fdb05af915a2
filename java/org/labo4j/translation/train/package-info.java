/**
 * Training translation Transformers with any {@link org.labo4j.Loss} on Multi30k: configuration,
 * inverse-square-root schedule, the training loop with validation loss and BLEU, self-contained
 * checkpoints with exact resumption, test-set BLEU with greedy and beam decoding, and the run entry
 * point {@link org.labo4j.translation.train.TranslationTraining#run}.
 */
package org.labo4j.translation.train;
