/**
 * Turning a trained {@link org.labo4j.translation.model.TranslationTransformer} into translations:
 * greedy decoding and beam search with a length penalty over any
 * {@link org.labo4j.translation.decode.NextTokenScorer}, and
 * {@link org.labo4j.translation.decode.Translator}, which goes from source text to target text.
 */
package org.labo4j.translation.decode;
