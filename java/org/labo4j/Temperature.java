package org.labo4j;

/**
 * How LABO chooses the temperature {@code T} of its smoothing distribution
 * {@code r_k = softmax over k != y of z_k / T} (METHOD.md section 3).
 */
public sealed interface Temperature permits Temperature.Fixed, Temperature.Budget {

    /** The penalty form: one temperature {@code T > 0} for every row. */
    static Temperature fixed(double t) {
        return new Fixed(t);
    }

    /**
     * The constrained form: each row gets the temperature at which {@code KL(r || u_{-y}) = κ log(V-1)}.
     * {@code κ = 0} is label smoothing over the non-targets, {@code κ = 1} one-hot on the strongest
     * non-target.
     */
    static Temperature budget(double kappa) {
        return new Budget(kappa);
    }

    record Fixed(double t) implements Temperature {
        public Fixed {
            if (!(t > 0 && Double.isFinite(t))) {
                throw new IllegalArgumentException("temperature = " + t + " must be finite and > 0");
            }
        }

        @Override
        public String toString() {
            return "fixed(" + t + ")";
        }
    }

    record Budget(double kappa) implements Temperature {
        public Budget {
            if (!(kappa >= 0 && kappa <= 1)) {
                throw new IllegalArgumentException("budget kappa = " + kappa + " must be in [0, 1]");
            }
        }

        @Override
        public String toString() {
            return "budget(" + kappa + ")";
        }
    }
}
