package org.labo4j.translation.bleu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * Python's fixed-point formatting rounds the exact binary value half-to-even. The Python tutorial's
 * floating-point chapter uses round(2.675, 2) == 2.67 as its example: the double nearest 2.675 is
 * 2.67499999999999982236431605997495353221893310546875.
 */
class PyFormatTest {

    @Test
    void roundsExactBinaryValue() {
        assertEquals("2.67", PyFormat.fixed(2.675, 2));
        assertEquals("1.00", PyFormat.fixed(1.005, 2));
    }

    @Test
    void breaksExactTiesToEven() {
        // 0.125 and 0.375 are exact in binary, so these are true ties.
        assertEquals("0.12", PyFormat.fixed(0.125, 2));
        assertEquals("0.38", PyFormat.fixed(0.375, 2));
        assertEquals("0.2", PyFormat.fixed(0.25, 1));
        assertEquals("0.8", PyFormat.fixed(0.75, 1));
    }

    @Test
    void padsAndKeepsSign() {
        assertEquals("100.00", PyFormat.fixed(100, 2));
        assertEquals("0.000", PyFormat.fixed(0, 3));
        assertEquals("-0.0", PyFormat.fixed(-0.0004, 1));
    }
}
