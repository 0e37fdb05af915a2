/**
 * Batching for translation training: sentence pairs as token ids
 * ({@link org.labo4j.translation.batch.EncodedPair}), grouped by length under a token budget
 * ({@link org.labo4j.translation.batch.TokenBudgetBatches}) and padded into tensors
 * ({@link org.labo4j.translation.batch.TranslationBatch}).
 */
package org.labo4j.translation.batch;
