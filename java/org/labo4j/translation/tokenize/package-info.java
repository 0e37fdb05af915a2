/**
 * Subword tokenization for translation: byte-pair encoding learned from training text
 * ({@link org.labo4j.translation.tokenize.BpeTrainer}), applied and inverted by
 * {@link org.labo4j.translation.tokenize.BpeTokenizer}, stored as a small text file by
 * {@link org.labo4j.translation.tokenize.BpeTokenizerFile}. Words carry a SentencePiece-style
 * {@code "▁"} boundary marker and characters outside the vocabulary fall back to byte tokens, so
 * decoding reproduces any input exactly up to whitespace normalization.
 */
package org.labo4j.translation.tokenize;
