// One step of the budget rule's root finding (METHOD.md section 3), shared by the CPU kernel and the
// CUDA kernel so that both follow the same path to the same temperature.
//
// The root is the beta >= 0 with f(beta) = KL(r_beta || u_{-y}) - epsilon = 0. KL is increasing in
// beta, with KL' = beta Var_r[z] and KL'' = Var_r[z] + beta E_r[(z - mu)^3], and one sweep over the
// row gives all of them, so Halley's step (cubic convergence) costs what Newton's does. A bracket
// [lo, hi] guards it: when Newton's step leaves the bracket (KL is far from linear, typically
// saturated by one outlying logit) the step is a bisection (or a doubling while hi is unknown).
#ifndef LABO_SRC_BUDGET_STEP_H_
#define LABO_SRC_BUDGET_STEP_H_

#include <cmath>

#if defined(__CUDACC__)
#define LABO_HOST_DEVICE __host__ __device__
#else
#define LABO_HOST_DEVICE
#endif

namespace labo {

// The tempered distribution r at the current beta, in terms of d = z - max over the non-targets:
// log S (S = sum over k != y of exp(beta d_k)), and the mean, variance and third central moment of
// d under r.
struct TemperedMomentsAtBeta {
    double log_s;
    double mean;
    double var;
    double skew;
};

struct BudgetStep {
    double next;        // the next beta
    // `next` is final and was reached without another sweep; log_s and mean are r's at `next`.
    bool extrapolated;
    double log_s;
    double mean;
};

// The solve's first beta. From KL ~ beta^2 Var_u / 2 at small beta: sqrt(2 eps) / sigma_u; but that
// guess places the strongest non-target about 4 sigma above their mean, as in a Gaussian row of
// 10^4 - 10^5 logits, and rows with a heavier right tail (real logits are right-skewed) reach
// epsilon at a proportionally smaller beta: the guess is capped at 4 sqrt(2 eps) / gap, gap = max
// minus mean over the non-targets. Measured: bench/results/budget-seed-2026-11-27.md (the CPU
// kernel 1.05 - 1.6x faster on skewed rows, unchanged on Gaussian rows). NaN or infinite results
// (non-finite logits) are the caller's to replace.
static LABO_HOST_DEVICE inline double budget_seed(double eps, double var_u, double gap) {
    const double root = sqrt(2.0 * eps);
    const double gaussian = root / sqrt(var_u);
    const double tail = 4.0 * root / gap;
    return tail < gaussian ? tail : gaussian;
}

// The step from `beta` (where f = KL - epsilon = f and r has moments `mo`), narrowing [lo, hi].
// When even Newton's step would land within `tolerance` (its error is KL'' dn^2 / 2) and the step is
// so short that |step d| <= 0.05 for every d (`range`: the largest |d|), the moments at the new beta
// follow from the cumulant series of log S, with an error of the same order: the step is final.
// static: each translation unit (one per CPU instruction set) keeps its own copy.
static LABO_HOST_DEVICE inline BudgetStep budget_step(double beta, double f, const TemperedMomentsAtBeta &mo,
                                                      double &lo, double &hi, double tolerance, double range) {
    if (f < 0.0) {
        lo = beta;
    } else {
        hi = beta;
    }
    const double infinity = __builtin_huge_val();
    const double slope = beta * mo.var;                // KL'
    const double curvature = mo.var + beta * mo.skew;  // KL''
    const double newton = slope > 0.0 ? beta - f / slope : infinity;
    BudgetStep step{0.0, false, 0.0, 0.0};
    if (newton > lo && newton < hi) {
        const double halley_den = 2.0 * slope * slope - f * curvature;
        const double halley = halley_den > 0.0 ? beta - 2.0 * f * slope / halley_den : newton;
        step.next = halley > lo && halley < hi ? halley : newton;
        const double dn = newton - beta;
        const double h = step.next - beta;
        if (0.5 * fabs(curvature) * dn * dn <= tolerance && fabs(h) * range <= 5e-2) {
            step.extrapolated = true;
            step.log_s = mo.log_s + h * (mo.mean + h * (0.5 * mo.var + h * mo.skew / 6.0));
            step.mean = mo.mean + h * (mo.var + 0.5 * h * mo.skew);
        }
    } else {
        step.next = hi < infinity ? 0.5 * (lo + hi) : 2.0 * beta;
    }
    return step;
}

}  // namespace labo

#endif  // LABO_SRC_BUDGET_STEP_H_
