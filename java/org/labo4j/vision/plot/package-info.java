/** PNG charts drawn with JFreeChart in headless mode: training curves, reliability diagrams, histograms, bars. */
package org.labo4j.vision.plot;
