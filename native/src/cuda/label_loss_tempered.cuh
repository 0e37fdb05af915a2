// LABO's smoothing distribution r (METHOD.md sections 3 and 5): tempered sums over a row's
// non-targets at one beta, fixed-T LABO's row constants from pass 1's sums, and the budget rule's
// per-row solve for beta (guarded Halley steps of budget_step.h, one sweep over the row held on chip
// per step).
#ifndef LABO_SRC_CUDA_LABEL_LOSS_TEMPERED_CUH_
#define LABO_SRC_CUDA_LABEL_LOSS_TEMPERED_CUH_

#include <cfloat>
#include <cstdint>

#include "../budget_step.h"
#include "cuda_common.cuh"
#include "label_loss_stats.cuh"
#include "launch.cuh"

namespace labo {
namespace cuda {
namespace label_loss {

// Upper end of beta = 1/T ("T = 0": r one-hot on the strongest non-target(s)), as in the CPU
// kernel; beta * (z - nt_max) is 0 or a negative float (or -inf), never NaN, for finite z.
constexpr double kBetaMax = 3.0e38;

// Tempered sums over k != y at one beta, with d = z - nt_max <= 0 and e = exp(beta d):
// s = sum e, wj = sum e d^j. w3 gives the budget solve KL'' (Halley's step) at no extra pass.
struct TemperedSums {
    double s;
    double w1;
    double w2;
    double w3;

    __device__ __forceinline__ static TemperedSums identity() { return {0.0, 0.0, 0.0, 0.0}; }
    __device__ __forceinline__ static TemperedSums combine(const TemperedSums &a, const TemperedSums &b) {
        return {__dadd_rn(a.s, b.s), __dadd_rn(a.w1, b.w1), __dadd_rn(a.w2, b.w2), __dadd_rn(a.w3, b.w3)};
    }
    __device__ __forceinline__ TemperedSums shfl_xor(unsigned mask, int offset) const {
        return {__shfl_xor_sync(mask, s, offset), __shfl_xor_sync(mask, w1, offset),
                __shfl_xor_sync(mask, w2, offset), __shfl_xor_sync(mask, w3, offset)};
    }
    __device__ __forceinline__ TemperedSums shfl(unsigned mask, int src) const {
        return {__shfl_sync(mask, s, src), __shfl_sync(mask, w1, src), __shfl_sync(mask, w2, src),
                __shfl_sync(mask, w3, src)};
    }
};

// The factor of the tempered exponents: exp(beta d) = 2^(d tempered_exponent_scale(beta)). The
// sums and the gradient take it from here, so that r sums to 1 with the s of the sums. Capped at
// FLT_MAX: beta's cap times log2(e) is not a float, and d = 0 must give 2^0, not 2^(0 inf).
__device__ __forceinline__ float tempered_exponent_scale(double beta) {
    return static_cast<float>(fmin(beta * static_cast<double>(kLog2e), static_cast<double>(FLT_MAX)));
}

// This thread's part of the tempered sums over the non-target elements of the row, at the beta
// whose exponent scale is `beta_log2e`: s, w1, w2 and w3 (the budget solve's Halley step; the fixed
// rule's s and w1 come out of pass 1, fold_fixed_tempered). kMasked: the row holds a -inf logit.
template <class Tr, bool kMasked, class View, class Index>
__device__ __forceinline__ TemperedSums tempered_sums(View &view, const RowTarget<Index> &target, float nt_max,
                                                      float beta_log2e) {
    constexpr int kVec = Tr::kVec;
    double s = 0.0, w1 = 0.0, w2 = 0.0, w3 = 0.0;  // per-chunk fp32 sums, added up in fp64
    view.pass([&](const uint4 &raw, Index c) {
        float z[kVec];
        Tr::unpack(raw, z);
        // Sums start at -0: -0 + x is x for every x, so the first add folds away (0 + x is not, at x = -0).
        float cs = -0.f, cw1 = -0.f, cw2 = -0.f, cw3 = -0.f;
        auto add = [&](float zi) {
            // A -inf logit (d = -FLT_MAX) has weight 0 and moments 0, not 0 * inf = NaN.
            const float d = kMasked ? fmaxf(zi - nt_max, -FLT_MAX) : zi - nt_max;
            const float e = fast_exp2(d * beta_log2e);
            const float ed = e * d;
            const float ed2 = ed * d;
            cs += e;
            cw1 += ed;
            cw2 += ed2;
            cw3 = fmaf(ed2, d, cw3);
        };
        if (plain_chunk(view.geo, c, target)) {
#pragma unroll
            for (int i = 0; i < kVec; ++i) add(z[i]);
        } else {
            const ChunkSlots slots(view.geo, c, target);
#pragma unroll
            for (int i = 0; i < kVec; ++i) {
                if (slots.valid(i) && i != slots.target) add(z[i]);
            }
        }
        s += cs;
        w1 += cw1;
        w2 += cw2;
        w3 += cw3;
    });
    return {s, w1, w2, w3};
}

// tempered_sums with the -inf guard only where the row needs it (nt_min, the same for the group).
template <class Tr, class View, class Index>
__device__ __forceinline__ TemperedSums row_tempered_sums(View &view, const RowTarget<Index> &target,
                                                          const Pass1Result &pass1, float beta_log2e) {
    if (pass1.st.nt_min == -f_inf()) return tempered_sums<Tr, true>(view, target, pass1.nt_max, beta_log2e);
    return tempered_sums<Tr, false>(view, target, pass1.nt_max, beta_log2e);
}

// What the loss, the row's outputs and the gradient take of a tempered solution, in fp32.
struct TemperedRow {
    float m1;           // E_r[z] - nt_max
    float entropy;      // H(r)
    float temperature;  // the row's T, as reported
    float beta_log2e;   // the gradient's exponent scale (beta > 0)
    float log2_s;       // log2 of r's normaliser (beta > 0)
    bool uniform;       // beta = 0 (T = infinity): r = 1 / (V - 1) on every non-target
};

// Budget rule: beta = 1/T with KL(r || u_{-y}) = epsilon (METHOD.md section 3), by the steps of
// budget_step.h (guarded Halley, as in the CPU kernel; one sweep per step, none for an extrapolated
// last step), started at budget_seed(). The seed's variance comes from pass 1's sums of z and z^2
// (fp32): it only places the first step, so its rounding costs at most an iteration, never
// accuracy. The solve's state and its fp64 arithmetic belong to the group's solo (one warp, which
// also reduces each sweep's sums: BlockGroup::reduce_solo); the other threads only sweep at the
// beta they are handed. The solution's row constants are worked out there too (the fp64
// logarithms are the costly part), so the last sweep costs the row no barriers of its own.
struct BudgetMove {
    float beta_log2e;  // the next sweep's exponent scale
    bool done;
    TemperedRow row;   // done: the solution's
};

// The row constants of r at `beta` with normaliser s and m1 = E_r[z] - nt_max (fp64, by the solo).
__device__ __forceinline__ TemperedRow budget_row(double beta, double s, double m1) {
    if (beta > 0.0) {
        return {static_cast<float>(m1), static_cast<float>(log(s) - beta * m1), static_cast<float>(1.0 / beta),
                tempered_exponent_scale(beta), static_cast<float>(log2(s)), false};
    }
    return {static_cast<float>(m1), static_cast<float>(log(s)), f_inf(), 0.f, 0.f, true};
}

class BudgetSolve {
public:
    __device__ BudgetMove start(const LossKernelParams &p, const Pass1Result &pass1) {
        const RowStats &st = pass1.st;
        const float nt_max = pass1.nt_max;
        n_ = static_cast<double>(p.vocab - 1);
        eps_ = static_cast<double>(p.budget_epsilon);
        const double zy = st.zy;
        const double mean_u = (static_cast<double>(st.zsum) - zy) / n_;  // mean of the non-target logits
        // eps == 0 (T = +inf), V == 2, or all non-target logits equal: r is uniform for every beta.
        // Its sums come from pass 1: s = n, E_r[z] the mean of the non-targets (-inf with -inf
        // logits: an infinite loss, as uniform weight on a -inf logit implies).
        if (!(eps_ > 0.0) || p.vocab <= 2 || !(nt_max > st.nt_min)) return finish(0.0, n_, mean_u - nt_max);
        // Variance of the non-target logits (NaN, 0 or inf with non-finite logits or total
        // cancellation: the guard below then starts at beta = 1).
        const double var_u = (static_cast<double>(st.zsq) - zy * zy) / n_ - mean_u * mean_u;
        log_n_ = log(n_);
        double beta = budget_seed(eps_, var_u, static_cast<double>(nt_max) - mean_u);
        if (!(beta > 0.0) || !(beta < kBetaMax)) beta = 1.0;  // NaN, 0 or inf (non-finite logits)
        if (eps_ >= log_n_) beta = kBetaMax;  // kappa = 1: T = 0, one-hot on the strongest non-target
        tolerance_ = 1e-6 * fmax(1.0, eps_);
        range_ = static_cast<double>(nt_max) - static_cast<double>(st.nt_min);  // largest |d|
        lo_ = 0.0;
        hi_ = d_inf();
        iterations_left_ = p.max_iterations;
        return next_sweep(beta);
    }

    // The sums of the sweep at the last beta handed out: the solution, or the next beta.
    __device__ BudgetMove after_sweep(const TemperedSums &u) {
        const double beta = beta_;
        const double m1 = u.w1 / u.s;
        const double e2 = u.w2 / u.s;
        const double var = fmax(e2 - m1 * m1, 0.0);
        const double f = (log_n_ - log(u.s) + beta * m1) - eps_;  // KL(beta) - eps
        // Converged, the iteration cap, a non-finite KL, or beta at its cap.
        if (fabs(f) <= tolerance_ || iterations_left_ <= 0 || !(fabs(f) < d_inf()) || beta >= kBetaMax) {
            return solution(beta, u);
        }
        // f < 0 with zero variance: r has collapsed onto the top non-target logit(s) (the other
        // weights underflow to 0) and no larger beta changes it: eps is not reachable (ties at
        // the top). Report the limit T = 0 (beta at its cap); the sums are those of the cap.
        if (f < 0.0 && !(var > 0.0)) return solution(kBetaMax, u);
        const double skew = u.w3 / u.s - 3.0 * m1 * e2 + 2.0 * m1 * m1 * m1;  // third central moment
        const BudgetStep step = budget_step(beta, f, {log(u.s), m1, var, skew}, lo_, hi_, tolerance_, range_);
        if (step.extrapolated) return finish(step.next, exp(step.log_s), step.mean);
        if (step.next == beta) return solution(beta, u);  // the bracket cannot shrink further in double precision
        --iterations_left_;
        return next_sweep(fmin(step.next, kBetaMax));
    }

private:
    __device__ BudgetMove next_sweep(double beta) {
        beta_ = beta;
        return {tempered_exponent_scale(beta), false, {}};
    }
    __device__ static BudgetMove finish(double beta, double s, double m1) { return {0.f, true, budget_row(beta, s, m1)}; }
    __device__ static BudgetMove solution(double beta, const TemperedSums &u) { return finish(beta, u.s, u.w1 / u.s); }

    double n_, eps_, log_n_, tolerance_, range_, lo_, hi_, beta_;
    int iterations_left_;
};

template <class Tr, class Group, class View, class Index>
__device__ TemperedRow solve_budget(const LossKernelParams &p, const Group &g, View &view,
                                    const RowTarget<Index> &target, const Pass1Result &pass1) {
    BudgetSolve solve;
    BudgetMove move = g.solo([&] { return solve.start(p, pass1); });
    while (!move.done) {
        move = g.reduce_solo(row_tempered_sums<Tr>(view, target, pass1, move.beta_log2e),
                             [&](const TemperedSums &u) { return solve.after_sweep(u); });
    }
    return move.row;
}

// Fixed-T LABO's tempered sums s, w1 of a row: pass 1's, unless a -inf logit (a masked vocabulary;
// pass 1 sums without the guard) made them NaN; then one guarded sweep over the row gives the sums a
// guarded pass 1 would have (about the same nt_max, up to the order of the additions; NaN or +inf
// logits give the same results either way). The test is on the group-reduced sums, the same in
// every thread, so the whole group sweeps or none of it.
template <class Tr, class Group, class View, class Index>
__device__ __forceinline__ Pass1Result fixed_tempered_sums(const Group &g, View &view, const RowTarget<Index> &target,
                                                           const Pass1Result &pass1, float tscale) {
    if (pass1.fixed_s == pass1.fixed_s && pass1.fixed_w1 == pass1.fixed_w1) return pass1;  // neither is NaN
    const TemperedSums u = g.allreduce(tempered_sums<Tr, true>(view, target, pass1.nt_max, tscale));
    return {pass1.st, pass1.nt_max, u.s, u.w1};
}

// Fixed-T LABO's gradient constants from its reduced pass-1 sums, worked out by every thread (the
// same sums give every thread the same bits; no solo, no barrier). fp32 is enough here: the sums
// were added up in fp64 and s >= 1 (the strongest non-target contributes 2^0), so log s is well
// conditioned. r's mean and entropy, which only the row's outputs use, are the leader's to add
// (add_fixed_tempered_moments). `tscale`: the kernel's exponent scale of beta_fixed
// (tempered_exponent_scale).
__device__ __forceinline__ TemperedRow fixed_tempered_row(const LossKernelParams &p, const Pass1Result &pass1,
                                                          float tscale) {
    if (static_cast<double>(p.beta_fixed) > 0.0) {
        return {0.f, 0.f, p.temperature, tscale, fast_log2(static_cast<float>(pass1.fixed_s)), false};
    }
    return {0.f, 0.f, p.temperature, 0.f, 0.f, true};
}

// r's mean m1 = E_r[z] - nt_max and entropy H = log s - beta m1 (two non-negative terms: m1 <= 0)
// for the row's outputs.
__device__ __forceinline__ void add_fixed_tempered_moments(const LossKernelParams &p, const Pass1Result &pass1,
                                                           TemperedRow &r) {
    const float s = static_cast<float>(pass1.fixed_s);
    r.m1 = static_cast<float>(pass1.fixed_w1) / s;
    r.entropy = r.uniform ? logf(s) : logf(s) - p.beta_fixed * r.m1;
}

}  // namespace label_loss
}  // namespace cuda
}  // namespace labo

#endif  // LABO_SRC_CUDA_LABEL_LOSS_TEMPERED_CUH_
