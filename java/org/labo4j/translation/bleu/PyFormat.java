package org.labo4j.translation.bleu;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * Python's {@code f"{x:.Nf}"}. Python rounds the exact binary value half-to-even
 * ({@code 2.675} prints as {@code 2.67}); {@code String.format} rounds the shortest decimal
 * representation half-up ({@code 2.68}), so the two disagree on some scores.
 */
final class PyFormat {
    private PyFormat() {
    }

    static String fixed(double x, int decimals) {
        if (!Double.isFinite(x)) {
            return Double.isNaN(x) ? "nan" : (x > 0 ? "inf" : "-inf");
        }
        String text = new BigDecimal(x).setScale(decimals, RoundingMode.HALF_EVEN).toPlainString();
        // BigDecimal drops the sign of a negative value that rounds to zero; Python keeps it.
        boolean negative = x < 0 || (x == 0 && 1 / x < 0);
        return negative && !text.startsWith("-") ? "-" + text : text;
    }
}
