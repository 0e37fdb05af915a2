/** Classification quality: accuracy, negative log-likelihood, calibration (ECE, reliability diagrams). */
package org.labo4j.vision.metrics;
