// The CPU kernel: loss, gradient and diagnostics of a block of rows (METHOD.md sections 2-6).
//
// Compiled once per instruction set (cmake/LaboCpuDispatch.cmake); loss_cpu.cpp picks the
// variant at run time. Each row is swept a few times while it is hot in L2: once for its maxima,
// once for the statistics (the budget rule adds one sweep per Newton step), and once to write the
// gradient. Nothing of size N x V is allocated.
#include <type_traits>

#include "cpu/cpu_rows.h"
#include "cpu/simd.h"

namespace labo {
namespace cpu {
namespace LABO_CPU_ISA_NS {
namespace {

// The smoothing distribution of one row after its statistics are known.
struct RowSmoothing {
    double beta = 0.0;        // 1/T for LABO
    float m_nontarget = 0.0f; // max over k != y, the shift of the tempered exponentials
    double inv_sum_t = 0.0;   // 1 / sum_{k != y} exp(beta (z_k - m_nontarget))
    double mean_shift = 0.0;  // E_r[z] - m_nontarget
    double entropy = 0.0;     // H(r)
};

// Moments of the tempered distribution over the non-target classes at inverse temperature beta:
// S = sum e_k, M1 = sum e_k d_k, M2 = sum e_k d_k^2, with d_k = z_k - m_nt, e_k = exp(beta d_k).
struct TemperedMoments { double s, m1, m2; };

template <class T>
TemperedMoments tempered_moments(const T *z, int64_t vocab, int64_t y, float m_nt, float beta) {
    SumAcc s, m1, m2;
    auto body = [&](auto x) {
        using X = decltype(x);
        const X d = x - splat<X>(m_nt);
        const X e = vexp(d * splat<X>(beta));
        const X ed = e * d;
        s.add(e);
        m1.add(ed);
        m2.add(ed * d);
    };
    sweep(z, 0, y, body);
    sweep(z, y + 1, vocab, body);
    return {s.total(), m1.total(), m2.total()};
}

// The budget rule: the beta >= 0 with KL(r(beta) || u_{-y}) = epsilon, by Newton steps on beta
// safeguarded by a bracket [lo, hi] (KL is increasing in beta). KL = log(V-1) - log S + beta M1/S.
// Sums of d = z_k - m_nt and d^2 over the non-targets: the uniform distribution's moments.
struct PlainMoments { double sum_d, sum_d2; };

template <class T>
RowSmoothing solve_budget(const T *z, int64_t vocab, int64_t y, float m_nt, PlainMoments plain, const LossProblem &p) {
    RowSmoothing r;
    r.m_nontarget = m_nt;
    const double log_nt = __builtin_log(static_cast<double>(vocab - 1));
    const double eps = p.budget_epsilon;

    const double n = static_cast<double>(vocab - 1);
    const double mean_d = plain.sum_d / n;  // plain moments of d = z - m_nt over the non-targets (beta = 0)
    const double var_u = __builtin_fmax(plain.sum_d2 / n - mean_d * mean_d, 0.0);

    if (!(eps > 0.0) || var_u <= 0.0 || vocab == 2) {
        // Uniform over the non-targets: LS's distribution (T = infinity).
        r.beta = 0.0;
        r.inv_sum_t = 1.0 / n;
        r.mean_shift = mean_d;
        r.entropy = log_nt;
        return r;
    }

    const double tol = 1e-6 * __builtin_fmax(1.0, eps);
    const double beta_cap = 3.0e38;  // ~ T = 0: one-hot on the strongest non-targets
    double lo = 0.0, hi = __builtin_huge_val();
    double beta = eps >= log_nt ? beta_cap : __builtin_sqrt(2.0 * eps / var_u);
    const int cap = p.max_newton_iterations > 0 ? p.max_newton_iterations : kDefaultMaxNewtonIterations;
    TemperedMoments mo{};
    for (int it = 0;; ++it) {
        mo = tempered_moments(z, vocab, y, m_nt, static_cast<float>(beta));
        const double mean = mo.m1 / mo.s;
        const double kl = log_nt - __builtin_log(mo.s) + beta * mean;
        const double f = kl - eps;
        if (__builtin_fabs(f) <= tol || it >= cap || !__builtin_isfinite(f) || beta >= beta_cap) break;
        if (f < 0.0) lo = beta; else hi = beta;
        const double slope = beta * (mo.m2 / mo.s - mean * mean);  // dKL/dbeta = beta Var_r[z]
        double next = slope > 0.0 ? beta - f / slope : __builtin_huge_val();
        if (!(next > lo && next < hi)) next = __builtin_isinf(hi) ? 2.0 * beta : 0.5 * (lo + hi);
        if (next == beta) break;  // the bracket cannot shrink further in double precision
        beta = __builtin_fmin(next, beta_cap);
    }
    r.beta = beta;
    r.inv_sum_t = 1.0 / mo.s;
    r.mean_shift = mo.m1 / mo.s;
    r.entropy = __builtin_log(mo.s) - beta * r.mean_shift;
    return r;
}

// One row: statistics, loss and diagnostics; the gradient when grad is not null.
template <class T, labo_smoothing kSmoothing>
double row_loss(const T *z, T *grad, int64_t vocab, int64_t y, float grad_scale, const LossProblem &p,
                int64_t row) {
    // Sweep 1: the maximum over the non-targets and the target logit (the row's max is their max).
    const float zy = load_scalar(z + y);
    MaxAcc max_nt;
    auto take_max = [&](auto x) { max_nt.add(x); };
    sweep(z, 0, y, take_max);
    sweep(z, y + 1, vocab, take_max);
    const float m_nt = max_nt.total();
    const float m = vmax(zy, m_nt);

    // Sweep 2: softmax normaliser (and, for fixed-T LABO, the tempered sums in the same pass).
    // With an fp32 gradient, exp(z_k - m) is parked in the gradient row, which is hot in cache for
    // sweep 3, saving one exp per element. (LABO in place still needs z in sweep 3, so not there.)
    constexpr bool kFp32 = std::is_same_v<T, float>;
    float *const cache = kFp32 && grad != nullptr && (kSmoothing != LABO_SMOOTHING_TEMPERED || grad != z)
                             ? reinterpret_cast<float *>(grad) : nullptr;
    const float alpha = p.alpha;
    const bool fixed_t = kSmoothing == LABO_SMOOTHING_TEMPERED && p.temperature_rule == LABO_TEMPERATURE_FIXED;
    const float beta_fixed = fixed_t ? static_cast<float>(__builtin_fmin(1.0 / p.temperature, 3.0e38)) : 0.0f;
    SumAcc s_all, sum_d, s_t, m1_t, sum_dt, sum_dt2;
    auto stats = [&](auto x, int64_t k) {
        using X = decltype(x);
        const X d = x - splat<X>(m);
        const X e = vexp(d);
        s_all.add(e);
        if (cache != nullptr) store(cache + k, e);
        if constexpr (kSmoothing == LABO_SMOOTHING_UNIFORM) sum_d.add(d);
        if constexpr (kSmoothing == LABO_SMOOTHING_TEMPERED) {
            const X dt = x - splat<X>(m_nt);
            if (fixed_t) {
                const X et = vexp(dt * splat<X>(beta_fixed));
                s_t.add(et);
                m1_t.add(et * dt);
            } else {
                sum_dt.add(dt);
                sum_dt2.add(dt * dt);
            }
        }
    };
    sweep_indexed(z, 0, y, stats);
    sweep_indexed(z, y + 1, vocab, stats);
    const double zy_shift = static_cast<double>(zy) - m;
    const double s = s_all.total() + __builtin_exp(zy_shift);
    const double log_s = __builtin_log(s);
    const double p_y = __builtin_exp(zy_shift) / s;

    double loss = 0.0, temperature = 0.0, entropy = 0.0;
    RowSmoothing r;
    if constexpr (kSmoothing == LABO_SMOOTHING_NONE) {
        loss = log_s - zy_shift;
        temperature = __builtin_nanf("");
    } else if constexpr (kSmoothing == LABO_SMOOTHING_UNIFORM) {
        const double mean_shift = (sum_d.total() + zy_shift) / static_cast<double>(vocab);
        loss = log_s - (1.0 - alpha) * zy_shift - alpha * mean_shift;
        temperature = __builtin_huge_val();
        entropy = __builtin_log(static_cast<double>(vocab));
    } else {
        if (fixed_t) {
            r.beta = beta_fixed;
            r.m_nontarget = m_nt;
            const double st = s_t.total();
            r.inv_sum_t = 1.0 / st;
            r.mean_shift = m1_t.total() / st;
            r.entropy = __builtin_log(st) - r.beta * r.mean_shift;
        } else {
            r = solve_budget(z, vocab, y, m_nt, PlainMoments{sum_dt.total(), sum_dt2.total()}, p);
        }
        const double mean_r_shift = (static_cast<double>(m_nt) - m) + r.mean_shift;  // E_r[z] - m
        loss = log_s - (1.0 - alpha) * zy_shift - alpha * mean_r_shift;
        temperature = r.beta > 0.0 ? 1.0 / r.beta : __builtin_huge_val();
        entropy = r.entropy;
    }
    if (p.row_temperature) p.row_temperature[row] = static_cast<float>(temperature);
    if (p.row_entropy) p.row_entropy[row] = static_cast<float>(entropy);
    if (p.row_p_target) p.row_p_target[row] = static_cast<float>(p_y);

    if (grad != nullptr) {
        // Sweep 3: grad_k = scale (p_k - alpha r_k), then the target's own entry is set exactly.
        // Reads z_k before writing grad_k, so grad may alias z.
        const float inv_s = static_cast<float>(1.0 / s);
        const float g_uniform = static_cast<float>(alpha / static_cast<double>(vocab));
        const float a_inv_st = static_cast<float>(alpha * r.inv_sum_t);
        const float beta = static_cast<float>(r.beta);
        const float m_t = r.m_nontarget;
        auto write = [&](auto x, int64_t k) {
            using X = decltype(x);
            const X e = cache != nullptr ? load_as<X>(cache + k) : vexp(x - splat<X>(m));
            X g = e * splat<X>(inv_s);
            if constexpr (kSmoothing == LABO_SMOOTHING_UNIFORM) g = g - splat<X>(g_uniform);
            if constexpr (kSmoothing == LABO_SMOOTHING_TEMPERED)
                g = g - vexp((x - splat<X>(m_t)) * splat<X>(beta)) * splat<X>(a_inv_st);
            store(grad + k, g * splat<X>(grad_scale));
        };
        sweep_indexed(z, vocab, write);
        double q_y = 1.0 - alpha;
        if constexpr (kSmoothing == LABO_SMOOTHING_NONE) q_y = 1.0;
        if constexpr (kSmoothing == LABO_SMOOTHING_UNIFORM) q_y += alpha / static_cast<double>(vocab);
        store_scalar(grad + y, static_cast<float>(grad_scale * (p_y - q_y)));
    }
    return loss;
}

template <class T>
void zero_row(T *grad, int64_t vocab) {
    const Vf zero = splat<Vf>(0.0f);
    int64_t k = 0;
    for (; k + kLanes <= vocab; k += kLanes) store(grad + k, zero);
    for (; k < vocab; ++k) store_scalar(grad + k, 0.0f);
}

template <class T, labo_smoothing kSmoothing>
double rows_typed(const LossProblem &p, int64_t begin, int64_t end, float grad_scale) {
    const T *logits = static_cast<const T *>(p.logits);
    T *grad = static_cast<T *>(p.grad);
    double total = 0.0;
    for (int64_t i = begin; i < end; ++i) {
        const int64_t y = p.targets[i];
        T *grad_row = grad ? grad + i * p.grad_row_stride : nullptr;
        double loss = 0.0;
        if (y == p.ignore_index) {
            if (grad_row) zero_row(grad_row, p.vocab);
            if (p.row_temperature) p.row_temperature[i] = __builtin_nanf("");
            if (p.row_entropy) p.row_entropy[i] = 0.0f;
            if (p.row_p_target) p.row_p_target[i] = __builtin_nanf("");
        } else {
            loss = row_loss<T, kSmoothing>(logits + i * p.logits_row_stride, grad_row, p.vocab, y, grad_scale, p, i);
        }
        if (p.reduction == LABO_REDUCTION_NONE) p.loss[i] = static_cast<float>(loss);
        total += loss;
    }
    return total;
}

template <class T>
double rows_dispatch_smoothing(const LossProblem &p, int64_t begin, int64_t end, float grad_scale) {
    switch (p.smoothing) {
        case LABO_SMOOTHING_NONE: return rows_typed<T, LABO_SMOOTHING_NONE>(p, begin, end, grad_scale);
        case LABO_SMOOTHING_UNIFORM: return rows_typed<T, LABO_SMOOTHING_UNIFORM>(p, begin, end, grad_scale);
        case LABO_SMOOTHING_TEMPERED: break;
    }
    return rows_typed<T, LABO_SMOOTHING_TEMPERED>(p, begin, end, grad_scale);
}

}  // namespace

double loss_rows(const LossProblem &p, int64_t begin, int64_t end, float grad_scale) {
    switch (p.dtype) {
        case LABO_DTYPE_BFLOAT16: return rows_dispatch_smoothing<bf16>(p, begin, end, grad_scale);
        case LABO_DTYPE_FLOAT16: return rows_dispatch_smoothing<f16>(p, begin, end, grad_scale);
        case LABO_DTYPE_FLOAT32: break;
    }
    return rows_dispatch_smoothing<float>(p, begin, end, grad_scale);
}

const char *isa_name() { return kIsaName; }

}  // namespace LABO_CPU_ISA_NS
}  // namespace cpu
}  // namespace labo
