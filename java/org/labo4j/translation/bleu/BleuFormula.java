package org.labo4j.translation.bleu;

/**
 * BLEU from its sufficient statistics, following sacreBLEU's {@code BLEU.compute_bleu} step by step
 * (same operations in the same order, so that scores agree to the last printed digit).
 */
final class BleuFormula {
    /** sacreBLEU's {@code my_log(0)}: a zero precision pulls the geometric mean to 0 without -Infinity. */
    private static final double LOG_OF_ZERO = -9999999999.0;

    private BleuFormula() {
    }

    static BleuScore compute(long[] correct, long[] total, long sysLen, long refLen,
                             Smoothing smoothing, double smoothValue, boolean effectiveOrder,
                             BleuSignature signature) {
        int maxOrder = correct.length;
        double bp = 1.0;
        if (sysLen < refLen) {
            bp = sysLen > 0 ? Math.exp(1 - (double) refLen / sysLen) : 0.0;
        }
        double[] precisions = new double[maxOrder];

        boolean anyMatch = false;
        for (long c : correct) {
            anyMatch |= c != 0;
        }
        // No match at all: 0 without smoothing (sacreBLEU issue #141).
        if (!anyMatch) {
            return new BleuScore(0.0, correct, total, precisions, bp, sysLen, refLen, signature);
        }

        double smoothMteval = 1.0;
        int effOrder = maxOrder;
        for (int n = 1; n <= maxOrder; n++) {
            double c = correct[n - 1];
            double t = total[n - 1];
            if (smoothing == Smoothing.ADD_K && n > 1) {
                c += smoothValue;
                t += smoothValue;
            }
            // The hypotheses have no n-gram of this order: later precisions stay 0.
            if (t == 0) {
                break;
            }
            if (effectiveOrder) {
                effOrder = n;
            }
            if (c == 0) {
                if (smoothing == Smoothing.EXP) {
                    smoothMteval *= 2;
                    precisions[n - 1] = 100. / (smoothMteval * t);
                } else if (smoothing == Smoothing.FLOOR) {
                    precisions[n - 1] = 100. * smoothValue / t;
                }
            } else {
                precisions[n - 1] = 100. * c / t;
            }
        }

        double logSum = 0;
        for (int i = 0; i < effOrder; i++) {
            logSum += precisions[i] == 0.0 ? LOG_OF_ZERO : Math.log(precisions[i]);
        }
        double score = bp * Math.exp(logSum / effOrder);
        return new BleuScore(score, correct, total, precisions, bp, sysLen, refLen, signature);
    }
}
