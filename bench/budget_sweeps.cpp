// How many sweeps over a row the budget rule's temperature solve takes, and how safe its one
// sweep-free step is: the CUDA kernel's BudgetSolve (native/src/cuda/label_loss_tempered.cuh) and the
// CPU kernel follow the steps of native/src/budget_step.h, one sweep per step, none for a last step
// that budget_step() extrapolates. This program runs those steps on the host in fp64 over rows drawn
// from several distributions (the GPU benchmark's rows are Gaussian with sd 3 and Gumbel with scale
// 3, V = 32000, kappa = 0.5), and prints:
//   1. sweeps per row (mean and histogram) per distribution and kappa;
//   2. for every step the solve takes, what the step would give if it were taken without a sweep,
//      against a sweep at the new beta: |KL - eps| in units of the tolerance, and the errors of the
//      extrapolated log S and E_r[d], binned by |h| * range (the step's bound on |h d|), next to
//      Newton's error estimate (the second condition budget_step() puts on extrapolating);
//   3. a design weighed and not adopted: pass 1 (which the shared-memory path overlaps with the
//      memory traffic) also gathers the tempered sums at the previous row's beta, so the solve
//      starts from an evaluation that costs no sweep. Sweeps per row with and without it, on rows
//      alike and on rows whose scale or shape varies from row to row;
//   4. two more weighed and not adopted: a last step taken without a sweep when a cubic model of
//      KL (KL''' from a fourth moment every sweep would gather, or from the change of KL'' between
//      the solve's last two betas) says it lands within half the tolerance. Sweeps per row, and
//      the worst errors of the steps so taken against a sweep at the new beta.
//
//   g++ -O2 -std=c++17 -Inative/src bench/budget_sweeps.cpp -o /tmp/budget_sweeps && /tmp/budget_sweeps
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>
#include <random>
#include <vector>

#include "budget_step.h"

namespace {

constexpr double kBetaMax = 3.0e38;  // as in the kernels

struct Row {
    std::vector<float> z;
    int y;
};

struct Moments {
    double log_s, mean, var, skew;
    double kurt;  // fourth cumulant (section 4 only; the kernels gather up to the third)
};

// One sweep: r's moments at beta over the non-targets, d = z - nt_max.
Moments sweep(const Row &row, float nt_max, double beta) {
    double s = 0, w1 = 0, w2 = 0, w3 = 0, w4 = 0;
    for (size_t k = 0; k < row.z.size(); ++k) {
        if (static_cast<int>(k) == row.y) continue;
        const double d = static_cast<double>(row.z[k]) - nt_max;
        const double e = std::exp(beta * d);
        s += e;
        w1 += e * d;
        w2 += e * d * d;
        w3 += e * d * d * d;
        w4 += e * d * d * d * d;
    }
    const double m1 = w1 / s, e2 = w2 / s, e3 = w3 / s, e4 = w4 / s;
    const double var = std::max(e2 - m1 * m1, 0.0);
    const double central4 = e4 - 4 * m1 * e3 + 6 * m1 * m1 * e2 - 3 * m1 * m1 * m1 * m1;
    return {std::log(s), m1, var, e3 - 3 * m1 * e2 + 2 * m1 * m1 * m1, central4 - 3 * var * var};
}

struct Bin {
    long steps = 0;
    double kl_err = 0, log_s_err = 0, mean_err = 0, newton = 0;  // maxima
};
const double kBinEdges[] = {0.0125, 0.025, 0.05, 0.1, 0.2, 0.4};
constexpr int kBins = 7;

// The solve of one row, as the kernels take it; returns its sweeps and records every step in bins
// (if any). free_beta > 0: the solve starts there instead of at budget_seed(), and its first
// evaluation costs no sweep (section 3); *beta_out: the solution.
// What the solve takes from pass 1: epsilon, the non-targets' maximum (the tempered exponents'
// reference) and minimum, the seed, the tolerance and the largest |d|.
struct RowSetup {
    double eps, log_n, tol, range, seed;
    float nt_max;
};

RowSetup row_setup(const Row &row, double kappa) {
    const double n = static_cast<double>(row.z.size() - 1), eps = kappa * std::log(n);
    double zsum = 0, zsq = 0;
    float nt_max = -INFINITY, nt_min = INFINITY;
    for (size_t k = 0; k < row.z.size(); ++k) {
        zsum += row.z[k];
        zsq += static_cast<double>(row.z[k]) * row.z[k];
        if (static_cast<int>(k) != row.y) {
            nt_max = std::max(nt_max, row.z[k]);
            nt_min = std::min(nt_min, row.z[k]);
        }
    }
    const double zy = row.z[static_cast<size_t>(row.y)];
    const double mean_u = (zsum - zy) / n, var_u = (zsq - zy * zy) / n - mean_u * mean_u;
    return {eps,
            std::log(n),
            1e-6 * std::max(1.0, eps),
            static_cast<double>(nt_max) - nt_min,
            labo::budget_seed(eps, var_u, static_cast<double>(nt_max) - mean_u),
            nt_max};
}

int solve(const Row &row, double kappa, Bin *bins, double free_beta = 0.0, double *beta_out = nullptr) {
    const RowSetup set = row_setup(row, kappa);
    const double eps = set.eps, log_n = set.log_n, tol = set.tol, range = set.range;
    const float nt_max = set.nt_max;
    double beta = free_beta > 0.0 ? free_beta : set.seed;
    if (!(beta > 0.0) || !(beta < kBetaMax)) beta = 1.0;
    const int free_sweeps = free_beta > 0.0 ? 1 : 0;
    int sweeps = 1;
    const auto done = [&] {
        if (beta_out != nullptr) *beta_out = beta;
        return sweeps - free_sweeps;
    };
    double lo = 0, hi = INFINITY;
    for (;; ++sweeps) {
        const Moments mo = sweep(row, nt_max, beta);
        const double f = (log_n - mo.log_s + beta * mo.mean) - eps;
        if (std::fabs(f) <= tol || sweeps >= 50 || !(std::fabs(f) < INFINITY) || beta >= kBetaMax) return done();
        if (f < 0.0 && !(mo.var > 0.0)) return done();
        const labo::TemperedMomentsAtBeta at{mo.log_s, mo.mean, mo.var, mo.skew};
        // The step as if it could always be extrapolated (no tolerance, no range bound) ...
        double lo_any = lo, hi_any = hi;
        const labo::BudgetStep any = labo::budget_step(beta, f, at, lo_any, hi_any, 1e300, 0.0);
        if (any.extrapolated && bins != nullptr) {
            const double h = any.next - beta;
            const Moments there = sweep(row, nt_max, any.next);
            const double dn = -f / (beta * mo.var);
            int b = 0;
            while (b < kBins - 1 && std::fabs(h) * range > kBinEdges[b]) ++b;
            Bin &bin = bins[b];
            ++bin.steps;
            bin.kl_err = std::max(bin.kl_err, std::fabs(log_n - there.log_s + any.next * there.mean - eps) / tol);
            bin.log_s_err = std::max(bin.log_s_err, std::fabs(any.log_s - there.log_s));
            bin.mean_err = std::max(bin.mean_err, std::fabs(any.mean - there.mean));
            bin.newton = std::max(bin.newton, 0.5 * std::fabs(mo.var + beta * mo.skew) * dn * dn / tol);
        }
        // ... and as the kernels take it.
        const labo::BudgetStep step = labo::budget_step(beta, f, at, lo, hi, tol, range);
        if (step.extrapolated || step.next == beta) {
            if (step.extrapolated) beta = step.next;
            return done();
        }
        beta = std::min(step.next, kBetaMax);
    }
}

// Section 4: the solve with another rule for its sweep-free last step. kFourthMoment: KL''' =
// 2 k3 + beta k4 from the sweep's fourth cumulant; kFiniteDifference: KL''' and k4 from the change
// of KL'' and k3 between the last two betas swept (none after the first sweep). The step (Halley's,
// inside the bracket) is taken without a sweep when |h| range <= 0.1 and the cubic model's residual
// plus twice its cubic term is within half the tolerance; log S and E_r[d] then follow from the
// cumulant series with the fourth cumulant.
enum class LastStep { kFourthMoment, kFiniteDifference };

struct StepErrors {
    double kl = 0, mean = 0;  // maxima over the steps taken without a sweep: |KL - eps| / tol, |E_r[d] error|
};

int solve_with(const Row &row, double kappa, LastStep rule, StepErrors &errors) {
    const RowSetup set = row_setup(row, kappa);
    const double eps = set.eps, log_n = set.log_n, tol = set.tol, range = set.range;
    const float nt_max = set.nt_max;
    double beta = set.seed;
    double lo = 0, hi = INFINITY, last_beta = -1, last_curvature = 0, last_skew = 0;
    for (int sweeps = 1;; ++sweeps) {
        const Moments mo = sweep(row, nt_max, beta);
        const double f = (log_n - mo.log_s + beta * mo.mean) - eps;
        if (std::fabs(f) <= tol || sweeps >= 50) return sweeps;
        const labo::TemperedMomentsAtBeta at{mo.log_s, mo.mean, mo.var, mo.skew};
        const labo::BudgetStep step = labo::budget_step(beta, f, at, lo, hi, 0.0, 0.0);  // never extrapolated
        const double h = step.next - beta, slope = beta * mo.var, curvature = mo.var + beta * mo.skew;
        double third = 0, kurt = 0;
        bool known = true;
        if (rule == LastStep::kFourthMoment) {
            kurt = mo.kurt;
            third = 2 * mo.skew + beta * kurt;
        } else if (last_beta >= 0) {
            third = (curvature - last_curvature) / (beta - last_beta);
            kurt = (mo.skew - last_skew) / (beta - last_beta);
        } else {
            known = false;
        }
        const double cubic = third * h * h * h / 6.0;
        const double model = f + h * (slope + 0.5 * h * curvature) + cubic;
        if (known && step.next > lo && step.next < hi && std::fabs(h) * range <= 0.1 &&
            std::fabs(model) + 2.0 * std::fabs(cubic) <= 0.5 * tol) {
            const double mean = mo.mean + h * (mo.var + h * (0.5 * mo.skew + h * kurt / 6.0));
            const Moments there = sweep(row, nt_max, step.next);
            errors.kl = std::max(errors.kl, std::fabs(log_n - there.log_s + step.next * there.mean - eps) / tol);
            errors.mean = std::max(errors.mean, std::fabs(mean - there.mean));
            return sweeps;
        }
        if (step.next == beta) return sweeps;
        last_beta = beta;
        last_curvature = curvature;
        last_skew = mo.skew;
        beta = step.next;
    }
}

}  // namespace

int main() {
    const int vocab = 32000, rows = 200;
    const std::vector<std::pair<const char *, std::function<float(std::mt19937_64 &)>>> draws = {
        {"gaussian (sd 3)", [](std::mt19937_64 &g) { return std::normal_distribution<float>(0, 3)(g); }},
        {"gumbel (scale 3)", [](std::mt19937_64 &g) { return std::extreme_value_distribution<float>(0, 3)(g); }},
        {"gaussian (sd 1)", [](std::mt19937_64 &g) { return std::normal_distribution<float>(0, 1)(g); }},
        {"student-t3 (x2)", [](std::mt19937_64 &g) { return 2 * std::student_t_distribution<float>(3)(g); }},
        {"lognormal", [](std::mt19937_64 &g) { return std::lognormal_distribution<float>(0, 1)(g); }},
    };
    std::mt19937_64 gen(20261128);
    Bin bins[kBins];
    std::printf("V = %d, %d rows each\n\n| rows | kappa | sweeps per row | histogram (sweeps: rows) |\n| --- | ---: | ---: | --- |\n",
                vocab, rows);
    for (const auto &[name, draw] : draws) {
        for (double kappa : {0.1, 0.5, 0.9}) {
            long total = 0;
            std::vector<int> hist(51, 0);
            for (int r = 0; r < rows; ++r) {
                Row row{std::vector<float>(static_cast<size_t>(vocab)), 0};
                for (float &v : row.z) v = draw(gen);
                row.y = std::uniform_int_distribution<int>(0, vocab - 1)(gen);
                const int s = solve(row, kappa, bins);
                total += s;
                ++hist[static_cast<size_t>(s)];
            }
            std::printf("| %s | %.1f | %.2f |", name, kappa, static_cast<double>(total) / rows);
            for (size_t s = 1; s < hist.size(); ++s) {
                if (hist[s] > 0) std::printf(" %zu: %d", s, hist[s]);
            }
            std::printf(" |\n");
        }
    }
    std::printf("\nEvery step, taken without a sweep (maxima over the steps in each bin):\n\n"
                "| abs(h) range <= | steps | abs(KL - eps) / tol | abs(log S error) | abs(E_r[d] error) | Newton's estimate / tol |\n"
                "| ---: | ---: | ---: | ---: | ---: | ---: |\n");
    for (int b = 0; b < kBins; ++b) {
        if (b < kBins - 1) {
            std::printf("| %g", kBinEdges[b]);
        } else {
            std::printf("| larger");
        }
        std::printf(" | %ld | %.3g | %.3g | %.3g | %.3g |\n", bins[b].steps, bins[b].kl_err, bins[b].log_s_err,
                    bins[b].mean_err, bins[b].newton);
    }

    // 3. The previous row's beta, evaluated in pass 1: rows alike, and rows whose scale (uniform in
    // [1, 5]) or shape (Gaussian or Student-t) changes from row to row.
    using Draw = std::function<float(std::mt19937_64 &, double)>;
    const std::vector<std::pair<const char *, Draw>> sequences = {
        {"gaussian (sd 3)", [](std::mt19937_64 &g, double) { return std::normal_distribution<float>(0, 3)(g); }},
        {"gumbel (scale 3)", [](std::mt19937_64 &g, double) { return std::extreme_value_distribution<float>(0, 3)(g); }},
        {"gaussian, sd per row", [](std::mt19937_64 &g, double sd) { return std::normal_distribution<float>(0, sd)(g); }},
        {"gumbel, scale per row",
         [](std::mt19937_64 &g, double sc) { return std::extreme_value_distribution<float>(0, sc)(g); }},
        {"gaussian or student-t per row", [](std::mt19937_64 &g, double u) {
             return u < 3.0 ? std::normal_distribution<float>(0, 2)(g) : 2 * std::student_t_distribution<float>(3)(g);
         }},
    };
    std::printf("\nSweeps per row, solve started at budget_seed() or at the previous row's beta evaluated in pass 1:\n\n"
                "| rows | kappa | seed | previous row's beta |\n| --- | ---: | ---: | ---: |\n");
    for (const auto &[name, draw] : sequences) {
        for (double kappa : {0.1, 0.5, 0.9}) {
            long seeded = 0, chained = 0;
            double previous = 0.0;
            for (int r = 0; r < rows; ++r) {
                const double u = std::uniform_real_distribution<double>(1.0, 5.0)(gen);
                Row row{std::vector<float>(static_cast<size_t>(vocab)), 0};
                for (float &v : row.z) v = draw(gen, u);
                row.y = std::uniform_int_distribution<int>(0, vocab - 1)(gen);
                seeded += solve(row, kappa, nullptr);
                chained += solve(row, kappa, nullptr, previous, &previous);
            }
            std::printf("| %s | %.1f | %.2f | %.2f |\n", name, kappa, static_cast<double>(seeded) / rows,
                        static_cast<double>(chained) / rows);
        }
    }

    // 4. The sweep-free last step by a cubic model of KL.
    std::printf("\nSweeps per row with the last step by the rule of budget_step(), or by a cubic model of KL with KL''' from a\n"
                "fourth moment or from finite differences; worst |KL - eps| / tol and |E_r[d] error| of the steps so taken:\n\n"
                "| rows | kappa | now | fourth moment | its errors | finite differences | their errors |\n"
                "| --- | ---: | ---: | ---: | --- | ---: | --- |\n");
    for (const auto &[name, draw] : draws) {
        for (double kappa : {0.1, 0.5, 0.9}) {
            long now = 0, fourth = 0, finite = 0;
            StepErrors e4, efd;
            for (int r = 0; r < rows; ++r) {
                Row row{std::vector<float>(static_cast<size_t>(vocab)), 0};
                for (float &v : row.z) v = draw(gen);
                row.y = std::uniform_int_distribution<int>(0, vocab - 1)(gen);
                now += solve(row, kappa, nullptr);
                fourth += solve_with(row, kappa, LastStep::kFourthMoment, e4);
                finite += solve_with(row, kappa, LastStep::kFiniteDifference, efd);
            }
            std::printf("| %s | %.1f | %.2f | %.2f | %.2g, %.1e | %.2f | %.2g, %.1e |\n", name, kappa,
                        static_cast<double>(now) / rows, static_cast<double>(fourth) / rows, e4.kl, e4.mean,
                        static_cast<double>(finite) / rows, efd.kl, efd.mean);
        }
    }
    return 0;
}
