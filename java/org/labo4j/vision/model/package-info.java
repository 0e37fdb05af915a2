/**
 * Image classifiers as libtorch modules built from Java ({@code register_module}): a small CNN and a
 * ResNet-18 for 28x28 inputs, chosen by name through {@link org.labo4j.vision.model.ModelFactory}.
 */
package org.labo4j.vision.model;
