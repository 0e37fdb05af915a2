// The CPU kernel: loss, gradient and diagnostics of a block of rows (METHOD.md sections 2-6).
//
// Compiled once per instruction set (cmake/LaboCpuDispatch.cmake); loss_cpu.cpp picks the
// variant at run time. Each row is swept a few times while it is hot in L2: once for its maxima,
// once for the statistics (the budget rule adds one sweep per Halley step), and once to write the
// gradient. Every exponential is computed once: the statistics sweeps park them in per-thread
// fp32 rows (row_scratch.h) or in the fp32 gradient row, and the gradient sweep reads them back.
// Nothing of size N x V is allocated.
#include <type_traits>

#include "cpu/cpu_rows.h"
#include "cpu/row_scratch.h"
#include "cpu/simd.h"
#include "budget_step.h"

namespace labo {
namespace cpu {
namespace LABO_CPU_ISA_NS {
namespace {

// z_k - m_nt for the tempered exponentials, with a -inf logit at -FLT_MAX: its weight
// exp(beta d) is then 0 and so are its moments e d^j, where d = -inf would give 0 * inf = NaN
// (masked vocabularies put -inf logits in real rows).
template <class X>
LABO_INLINE X tempered_shift(X x, float m_nt) {
    return vmax(x - splat<X>(m_nt), splat<X>(-3.40282347e38f));
}

// The smoothing distribution of one row after its statistics are known.
struct RowSmoothing {
    double beta = 0.0;        // 1/T for LABO
    float m_nontarget = 0.0f; // max over k != y, the shift of the tempered exponentials
    double inv_sum_t = 0.0;   // 1 / sum_{k != y} exp(beta (z_k - m_nontarget))
    double mean_shift = 0.0;  // E_r[z] - m_nontarget
    double entropy = 0.0;     // H(r)
    // The budget solve's last step, taken without a sweep: the cached tempered exponentials are
    // exp(beta_cached (z_k - m_nt)) with beta_cached = beta - final_step, so each one still needs
    // the factor exp(final_step (z_k - m_nt)), which the gradient sweep applies by its cubic Taylor
// polynomial (|final_step (z_k - m_nt)| <= 0.05).
    double final_step = 0.0;
};

// Loads element k of a row as the sweep body's argument type (vector, or float in the row's tail).
template <class X, class T>
LABO_INLINE X load_row(const T *p) {
    if constexpr (std::is_same_v<X, float>) {
        return load_scalar(p);
    } else {
        return load(p);
    }
}

// Where a row's exponentials wait between its sweeps: exp(z_k - m) and, for LABO,
// exp(beta (z_k - m_nt)). Null: the gradient sweep computes them again.
struct ExpCaches {
    float *plain = nullptr;
    float *tempered = nullptr;
};

// Moments of the tempered distribution over the non-target classes at inverse temperature beta:
// S = sum e_k, Mj = sum e_k d_k^j, with d_k = z_k - m_nt, e_k = exp(beta d_k). Each e_k is also
// written to `cache` (when not null) for the gradient sweep.
struct TemperedMoments { double s, m1, m2, m3; };

template <class T>
TemperedMoments tempered_moments(const T *z, int64_t vocab, int64_t y, float m_nt, float beta, float *cache) {
    SumAcc s, m1, m2, m3;
    auto body = [&](auto x, int64_t k) {
        using X = decltype(x);
        const X d = tempered_shift(x, m_nt);
        const X e = vexp(d * splat<X>(beta));
        if (cache != nullptr) store(cache + k, e);
        const X ed = e * d;
        const X ed2 = ed * d;
        s.add(e);
        m1.add(ed);
        m2.add(ed2);
        m3.add(ed2 * d);
    };
    sweep_indexed(z, 0, y, body);
    sweep_indexed(z, y + 1, vocab, body);
    return {s.total(), m1.total(), m2.total(), m3.total()};
}

// The budget rule: the beta >= 0 with KL(r(beta) || u_{-y}) = epsilon, KL = log(V-1) - log S + beta M1/S;
// one sweep per step of budget_step.h (guarded Halley), none for an extrapolated last step.
// Sums of d = z_k - m_nt and d^2 over the non-targets: the uniform distribution's moments.
// `range`: the largest |d| (max minus min over the non-targets).
struct PlainMoments { double sum_d, sum_d2; float range; };

template <class T>
RowSmoothing solve_budget(const T *z, int64_t vocab, int64_t y, float m_nt, PlainMoments plain, const LossProblem &p,
                          float *cache) {
    RowSmoothing r;
    r.m_nontarget = m_nt;
    const double log_nt = __builtin_log(static_cast<double>(vocab - 1));
    const double eps = p.budget_epsilon;

    const double n = static_cast<double>(vocab - 1);
    const double mean_d = plain.sum_d / n;  // plain moments of d = z - m_nt over the non-targets (beta = 0)
    const double var_u = __builtin_fmax(plain.sum_d2 / n - mean_d * mean_d, 0.0);

    // All non-targets equal (range 0; var_u can round to 0 short of that, and drops to 0 from the
    // NaN of -inf logits).
    if (!(eps > 0.0) || !(plain.range > 0.0f) || vocab == 2) {
        // Uniform over the non-targets: LS's distribution (T = infinity).
        // A tempered cache is not filled: the gradient sweep's uniform term is the constant 1/n.
        r.beta = 0.0;
        r.inv_sum_t = 1.0 / n;
        r.mean_shift = mean_d;
        r.entropy = log_nt;
        return r;
    }

    const double tol = 1e-6 * __builtin_fmax(1.0, eps);
    const double beta_cap = 3.0e38;  // ~ T = 0: one-hot on the strongest non-targets
    double lo = 0.0, hi = __builtin_huge_val();
    double beta = budget_seed(eps, var_u, -mean_d);
    if (!(beta > 0.0) || !(beta < beta_cap)) beta = 1.0;  // var_u 0 (rounding, -inf logits) or inf
    if (eps >= log_nt) beta = beta_cap;
    const int cap = p.max_newton_iterations > 0 ? p.max_newton_iterations : kDefaultMaxNewtonIterations;
    TemperedMoments mo{};
    for (int it = 0;; ++it) {
        mo = tempered_moments(z, vocab, y, m_nt, static_cast<float>(beta), cache);
        const double mean = mo.m1 / mo.s;
        const double kl = log_nt - __builtin_log(mo.s) + beta * mean;
        const double f = kl - eps;
        if (__builtin_fabs(f) <= tol || it >= cap || !__builtin_isfinite(f) || beta >= beta_cap) break;
        const double e2 = mo.m2 / mo.s, e3 = mo.m3 / mo.s;
        const double var = e2 - mean * mean;
        const double skew = e3 - 3.0 * mean * e2 + 2.0 * mean * mean * mean;  // third central moment
        const BudgetStep step = budget_step(beta, f, {__builtin_log(mo.s), mean, var, skew}, lo, hi, tol,
                                            static_cast<double>(plain.range));
        if (step.extrapolated) {
            r.beta = step.next;
            r.inv_sum_t = __builtin_exp(-step.log_s);
            r.mean_shift = step.mean;
            r.entropy = step.log_s - step.next * step.mean;
            r.final_step = step.next - beta;
            return r;
        }
        const double next = step.next;
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
                int64_t row, ExpCaches caches) {
    // Sweep 1: the maximum over the non-targets and the target logit (the row's max is their max).
    const float zy = load_scalar(z + y);
    MaxAcc max_nt;
    auto take_max = [&](auto x) { max_nt.add(x); };
    sweep(z, 0, y, take_max);
    sweep(z, y + 1, vocab, take_max);
    const float m_nt = max_nt.total();
    const float m = vmax(zy, m_nt);

    // Sweep 2: softmax normaliser (and, for fixed-T LABO, the tempered sums in the same pass), each
    // exponential parked in its cache for sweep 3. The entries at y are zeroed so sweep 3 reads
    // no stale values there (it then writes the target's entry exactly).
    float *const cache = caches.plain;
    float *const cache_t = kSmoothing == LABO_SMOOTHING_TEMPERED ? caches.tempered : nullptr;
    if (cache != nullptr) cache[y] = 0.0f;
    if (cache_t != nullptr) cache_t[y] = 0.0f;
    const float alpha = p.alpha;
    const bool fixed_t = kSmoothing == LABO_SMOOTHING_TEMPERED && p.temperature_rule == LABO_TEMPERATURE_FIXED;
    const float beta_fixed = fixed_t ? static_cast<float>(__builtin_fmin(1.0 / p.temperature, 3.0e38)) : 0.0f;
    SumAcc s_all, sum_d, s_t, m1_t, sum_dt, sum_dt2;
    MaxAcc neg_dt;  // max of -(z_k - m_nt): the spread of the non-target logits
    auto stats = [&](auto x, int64_t k) {
        using X = decltype(x);
        const X d = x - splat<X>(m);
        const X e = vexp(d);
        s_all.add(e);
        if (cache != nullptr) store(cache + k, e);
        if constexpr (kSmoothing == LABO_SMOOTHING_UNIFORM) sum_d.add(d);
        if constexpr (kSmoothing == LABO_SMOOTHING_TEMPERED) {
            if (fixed_t) {
                const X dt = tempered_shift(x, m_nt);
                const X et = vexp(dt * splat<X>(beta_fixed));
                if (cache_t != nullptr) store(cache_t + k, et);
                s_t.add(et);
                m1_t.add(et * dt);
            } else {
                // The uniform distribution's moments, -inf logits included: its mean is then -inf
                // (an infinite loss where r is uniform), and the solve's seed falls back to beta = 1.
                const X dt = x - splat<X>(m_nt);
                sum_dt.add(dt);
                sum_dt2.add(dt * dt);
                neg_dt.add(splat<X>(0.0f) - dt);
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
            r = solve_budget(z, vocab, y, m_nt, PlainMoments{sum_dt.total(), sum_dt2.total(), neg_dt.total()}, p, cache_t);
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
        // r is uniform over the non-targets when beta = 0 (the budget rule's degenerate rows).
        const bool tempered_cached = cache_t != nullptr && r.beta > 0.0;
        if (cache != nullptr && (kSmoothing != LABO_SMOOTHING_TEMPERED || tempered_cached || r.beta == 0.0)) {
            // Every exponential is cached: z is not read again (so this also serves grad == z),
            // unless the budget solve's last step was extrapolated (RowSmoothing::final_step).
            const float step = static_cast<float>(r.final_step);
            auto write = [&](auto e, int64_t k) {
                using X = decltype(e);
                X g = e * splat<X>(inv_s);
                if constexpr (kSmoothing == LABO_SMOOTHING_UNIFORM) g = g - splat<X>(g_uniform);
                if constexpr (kSmoothing == LABO_SMOOTHING_TEMPERED) {
                    if (!tempered_cached) {
                        g = g - splat<X>(a_inv_st);
                    } else if (step == 0.0f) {
                        g = g - load_as<X>(cache_t + k) * splat<X>(a_inv_st);
                    } else {
                        const X u = (load_row<X>(z + k) - splat<X>(m_t)) * splat<X>(step);
                        const X factor = splat<X>(1.0f) + u * (splat<X>(1.0f) + u * (splat<X>(0.5f) + u * splat<X>(1.0f / 6.0f)));
                        g = g - load_as<X>(cache_t + k) * factor * splat<X>(a_inv_st);
                    }
                }
                store(grad + k, g * splat<X>(grad_scale));
            };
            sweep_indexed(cache, vocab, write);
        } else {
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
        }
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
    // Exponentials are only worth keeping when a gradient sweep will read them. An fp32 gradient
    // row that is not the logits row holds exp(z - m) itself; the rest goes to scratch rows.
    constexpr bool kTempered = kSmoothing == LABO_SMOOTHING_TEMPERED;
    constexpr bool kFp32 = std::is_same_v<T, float>;
    const bool grad_row_caches = kFp32 && grad != nullptr && static_cast<const void *>(grad) != p.logits;
    const int scratch_rows = grad == nullptr ? 0 : (grad_row_caches ? 0 : 1) + (kTempered ? 1 : 0);
    float *const scratch = scratch_rows > 0 ? thread_row_scratch(p.vocab, scratch_rows) : nullptr;
    const int64_t scratch_stride = scratch_row_stride(p.vocab);
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
            ExpCaches caches;
            if (grad_row != nullptr) {
                float *next_scratch = scratch;
                if (grad_row_caches) {
                    caches.plain = reinterpret_cast<float *>(grad_row);
                } else if (scratch != nullptr) {
                    caches.plain = next_scratch;
                    next_scratch += scratch_stride;
                }
                if (kTempered && scratch != nullptr) caches.tempered = next_scratch;
            }
            loss = row_loss<T, kSmoothing>(logits + i * p.logits_row_stride, grad_row, p.vocab, y, grad_scale, p, i,
                                           caches);
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
