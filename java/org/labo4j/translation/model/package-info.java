/**
 * The encoder-decoder Transformer for translation (Vaswani et al. 2017, with pre-layer-norm residual
 * blocks as in Xiong et al. 2020): {@link org.labo4j.translation.model.TranslationTransformer}, sized by
 * {@link org.labo4j.translation.model.TransformerConfig}. Attention is written here on libtorch's
 * {@code scaled_dot_product_attention} rather than with the presets' {@code TransformerImpl}, whose
 * masks and layer order cannot be chosen from Java as freely.
 */
package org.labo4j.translation.model;
