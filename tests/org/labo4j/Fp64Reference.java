package org.labo4j;

/**
 * An independent fp64 implementation of METHOD.md, written from the formulas and nothing else:
 * explicit distributions {@code p}, {@code r}, {@code q}, the loss {@code -sum q log p}, and the
 * gradient {@code p - q}. The budget rule is solved by plain bisection on {@code log T}, a different
 * algorithm from the kernel's Newton iteration.
 */
final class Fp64Reference {
    private Fp64Reference() {}

    /** Result for one row. */
    record Row(double loss, double[] grad, double temperature, double entropy, double pTarget, double[] r) {}

    static double[] softmax(double[] z) {
        double m = Double.NEGATIVE_INFINITY;
        for (double v : z) {
            m = Math.max(m, v);
        }
        final double[] p = new double[z.length];
        double s = 0;
        for (int k = 0; k < z.length; k++) {
            p[k] = Math.exp(z[k] - m);
            s += p[k];
        }
        for (int k = 0; k < z.length; k++) {
            p[k] /= s;
        }
        return p;
    }

    static double logSumExp(double[] z) {
        double m = Double.NEGATIVE_INFINITY;
        for (double v : z) {
            m = Math.max(m, v);
        }
        double s = 0;
        for (double v : z) {
            s += Math.exp(v - m);
        }
        return m + Math.log(s);
    }

    /** r_k = softmax over k != y of z_k / T; T = +inf gives the uniform non-target distribution. */
    static double[] temperedNonTarget(double[] z, int y, double t) {
        final int v = z.length;
        final double[] r = new double[v];
        if (Double.isInfinite(t)) {
            for (int k = 0; k < v; k++) {
                r[k] = k == y ? 0 : 1.0 / (v - 1);
            }
            return r;
        }
        double m = Double.NEGATIVE_INFINITY;
        for (int k = 0; k < v; k++) {
            if (k != y) {
                m = Math.max(m, z[k] / t);
            }
        }
        double s = 0;
        for (int k = 0; k < v; k++) {
            r[k] = k == y ? 0 : Math.exp(z[k] / t - m);
            s += r[k];
        }
        for (int k = 0; k < v; k++) {
            r[k] /= s;
        }
        return r;
    }

    static double entropy(double[] r) {
        double h = 0;
        for (double x : r) {
            if (x > 0) {
                h -= x * Math.log(x);
            }
        }
        return h;
    }

    /** KL(r || u_{-y}) = log(V-1) - H(r) for r supported on the non-targets. */
    static double klToUniformNonTarget(double[] r) {
        return Math.log(r.length - 1) - entropy(r);
    }

    /** The temperature T with KL(r(T) || u_{-y}) = eps, by bisection on log T. */
    static double budgetTemperature(double[] z, int y, double eps) {
        final double maxKl = klToUniformNonTarget(temperedNonTarget(z, y, 1e-30));
        if (eps <= 0 || z.length == 2) {
            return Double.POSITIVE_INFINITY;
        }
        if (eps >= maxKl) {
            return 0;
        }
        double lo = -80, hi = 80;  // log T; KL decreases as T grows
        for (int i = 0; i < 200; i++) {
            final double mid = 0.5 * (lo + hi);
            final double kl = klToUniformNonTarget(temperedNonTarget(z, y, Math.exp(mid)));
            if (kl > eps) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        return Math.exp(0.5 * (lo + hi));
    }

    /** The row's smoothing distribution for a member, or null for cross-entropy. */
    static double[] smoothing(Regularization member, double[] z, int y, double t) {
        return switch (member) {
            case CROSS_ENTROPY -> null;
            case LABEL_SMOOTHING -> {
                final double[] u = new double[z.length];
                java.util.Arrays.fill(u, 1.0 / z.length);
                yield u;
            }
            case LABO -> t == 0 ? oneHotOnStrongestNonTarget(z, y) : temperedNonTarget(z, y, t);
        };
    }

    private static double[] oneHotOnStrongestNonTarget(double[] z, int y) {
        double m = Double.NEGATIVE_INFINITY;
        for (int k = 0; k < z.length; k++) {
            if (k != y) {
                m = Math.max(m, z[k]);
            }
        }
        final double[] r = new double[z.length];
        int ties = 0;
        for (int k = 0; k < z.length; k++) {
            if (k != y && z[k] == m) {
                ties++;
            }
        }
        for (int k = 0; k < z.length; k++) {
            r[k] = k != y && z[k] == m ? 1.0 / ties : 0;
        }
        return r;
    }

    /** Loss and gradient of one row, for the member's r at temperature t (ignored for CE and LS). */
    static Row row(Regularization member, double alpha, double[] z, int y, double t) {
        final double[] r = smoothing(member, z, y, t);
        final double a = member == Regularization.CROSS_ENTROPY ? 0 : alpha;
        final double[] q = new double[z.length];
        for (int k = 0; k < z.length; k++) {
            q[k] = (k == y ? 1 - a : 0) + (r == null ? 0 : a * r[k]);
        }
        final double[] p = softmax(z);
        final double lse = logSumExp(z);
        double loss = 0;
        final double[] grad = new double[z.length];
        for (int k = 0; k < z.length; k++) {
            loss -= q[k] == 0 ? 0 : q[k] * (z[k] - lse);
            grad[k] = p[k] - q[k];
        }
        final double temperature = switch (member) {
            case CROSS_ENTROPY -> Double.NaN;
            case LABEL_SMOOTHING -> Double.POSITIVE_INFINITY;
            case LABO -> t;
        };
        return new Row(loss, grad, temperature, r == null ? 0 : entropy(r), p[y], r);
    }

    /** Loss of one row with r frozen (for finite differences): LSE(z) - sum q_k z_k. */
    static double lossWithFrozenTarget(double[] z, double[] q) {
        double s = 0;
        for (int k = 0; k < z.length; k++) {
            s += q[k] * z[k];
        }
        return logSumExp(z) - s;
    }
}
