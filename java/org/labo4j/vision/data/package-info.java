/**
 * Image datasets in the MNIST IDX layout (Fashion-MNIST, MNIST): reading and validating the files,
 * a seeded validation split, normalization, augmentation, and mini-batches as libtorch tensors.
 */
package org.labo4j.vision.data;
