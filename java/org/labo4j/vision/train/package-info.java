/**
 * Training image classifiers with any {@link org.labo4j.Loss}: configuration, optimizer and schedule,
 * the training loop with evaluation, checkpoints and exact resumption, and the run entry point
 * {@link org.labo4j.vision.train.VisionTraining#run}.
 */
package org.labo4j.vision.train;
