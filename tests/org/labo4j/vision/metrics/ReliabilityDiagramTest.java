package org.labo4j.vision.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class ReliabilityDiagramTest {
    private static final double EPS = 1e-12;

    /**
     * Six predictions, 15 bins of width 1/15:
     * <pre>
     *   conf  right  bin (0-based)  bin interval
     *   0.95  yes    14             (14/15, 1]
     *   0.90  yes    13             (13/15, 14/15]
     *   0.85  no     12             (12/15, 13/15]
     *   0.60  yes     8             ( 8/15,  9/15]   0.6 is exactly 9/15: the bin it closes
     *   0.55  no      8
     *   0.30  no      4             ( 4/15,  5/15]
     * </pre>
     * Gaps |acc - conf|: 0.05, 0.10, 0.85, |0.5 - 0.575| = 0.075 (two predictions), 0.30.
     * ECE = (0.05 + 0.10 + 0.85 + 2 * 0.075 + 0.30) / 6 = 1.45 / 6.
     */
    @Test
    void eceMatchesAHandComputedCase() {
        double[] confidences = {0.95, 0.90, 0.85, 0.60, 0.55, 0.30};
        boolean[] correct = {true, true, false, true, false, false};
        ReliabilityDiagram diagram = ReliabilityDiagram.of(confidences, correct, 15);
        assertEquals(1.45 / 6, diagram.expectedCalibrationError(), EPS);
        assertEquals(0.85, diagram.maximumCalibrationError(), EPS);
        ReliabilityDiagram.Bin shared = diagram.bins().get(8);
        assertEquals(2, shared.count());
        assertEquals(0.5, shared.accuracy(), EPS);
        assertEquals(0.575, shared.meanConfidence(), EPS);
        assertEquals(8.0 / 15, shared.lower(), EPS);
        assertEquals(9.0 / 15, shared.upper(), EPS);
        assertEquals(1, diagram.bins().get(4).count());
        int total = 0;
        for (ReliabilityDiagram.Bin bin : diagram.bins()) {
            total += bin.count();
        }
        assertEquals(6, total);
    }

    @Test
    void edgesBelongToTheBinTheyClose() {
        // 0.3 * 10 = 3.0000000000000004 in doubles; it still belongs to (0.2, 0.3].
        assertEquals(2, ReliabilityDiagram.binOf(0.3, 10));
        assertEquals(0, ReliabilityDiagram.binOf(0.0, 10));
        assertEquals(0, ReliabilityDiagram.binOf(0.1, 10));
        assertEquals(9, ReliabilityDiagram.binOf(1.0, 10));
        assertEquals(8, ReliabilityDiagram.binOf(0.6, 15));
        for (int m = 1; m <= 15; m++) {
            double edge = (double) m / 15;
            assertEquals(m - 1, ReliabilityDiagram.binOf(edge, 15), "edge " + m + "/15");
            assertEquals(Math.min(m, 14), ReliabilityDiagram.binOf(Math.nextUp(edge), 15), "just above " + m + "/15");
        }
    }

    @Test
    void oneBinEceIsTheGapOfTheMeans() {
        double[] confidences = {0.9, 0.8, 0.7, 0.6};
        boolean[] correct = {true, false, false, true};
        assertEquals(Math.abs(0.5 - 0.75), ReliabilityDiagram.of(confidences, correct, 1).expectedCalibrationError(),
                EPS);
    }

    @Test
    void perfectCalibrationAndEmptyInputGiveZero() {
        double[] confidences = {1.0, 1.0, 1.0};
        boolean[] correct = {true, true, true};
        assertEquals(0, ReliabilityDiagram.of(confidences, correct, 15).expectedCalibrationError(), EPS);
        assertEquals(0, ReliabilityDiagram.of(new double[0], new boolean[0], 15).expectedCalibrationError());
    }

    @Test
    void rejectsConfidencesOutsideTheUnitInterval() {
        assertThrows(IllegalArgumentException.class,
                () -> ReliabilityDiagram.of(new double[] {1.2}, new boolean[] {true}, 15));
        assertThrows(IllegalArgumentException.class,
                () -> ReliabilityDiagram.of(new double[] {Double.NaN}, new boolean[] {true}, 15));
    }
}
