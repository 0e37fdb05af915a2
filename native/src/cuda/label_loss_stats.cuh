// Pass 1 of the fused loss kernels: the statistics each thread gathers from its chunks of a row
// (max, online sum of exponentials, z_y and, as the loss needs them, sums of z and z^2, the
// non-targets' minimum, fixed-T LABO's tempered sums), mergeable across threads, and their
// reduction over the thread group. What pass 1 gathers is decided per loss at compile time
// (StatsOptions).
#ifndef LABO_SRC_CUDA_LABEL_LOSS_STATS_CUH_
#define LABO_SRC_CUDA_LABEL_LOSS_STATS_CUH_

#include <cfloat>
#include <cstdint>

#include "cuda_common.cuh"
#include "launch.cuh"

namespace labo {
namespace cuda {
namespace label_loss {

// A row's pass-1 statistics, mergeable across threads (and, later, across vocabulary shards): the
// sum of exponentials is kept about the running maximum m, so that threads merge by moving their
// sums to the largest m (about) and adding (add; the groups' allreduce_about_max).
struct RowStats {
    float m;       // max over the row (LABO's pass 1: over k != y until join_target)
    float s;       // sum of exp(z - m) (likewise)
    float zsum;    // sum of z over the row
    float zsq;     // sum of z^2 over the row (the budget rule's starting point)
    float zy;      // z_y (only the owning thread contributes)
    float nt_min;  // min over k != y (the budget rule)

    __device__ __forceinline__ static RowStats identity() { return {-f_inf(), 0.f, 0.f, 0.f, 0.f, f_inf()}; }
    __device__ __forceinline__ float running_max() const { return m; }
    // The same statistics about a maximum `to` >= m. Sums about -inf are 0 (and stay 0 when every
    // side is -inf, rather than 0 * exp(-inf + inf)).
    __device__ __forceinline__ RowStats about(float to) const {
        RowStats r = *this;
        r.m = to;
        r.s = to == -f_inf() ? 0.f : __fmul_rn(s, expf(m - to));
        return r;
    }
    // Two sides about the same maximum.
    __device__ __forceinline__ static RowStats add(const RowStats &a, const RowStats &b) {
        return {a.m,
                __fadd_rn(a.s, b.s),
                __fadd_rn(a.zsum, b.zsum),
                __fadd_rn(a.zsq, b.zsq),
                __fadd_rn(a.zy, b.zy),
                fminf(a.nt_min, b.nt_min)};
    }
    __device__ __forceinline__ RowStats shfl_xor(unsigned mask, int offset) const {
        return {__shfl_xor_sync(mask, m, offset),    __shfl_xor_sync(mask, s, offset),
                __shfl_xor_sync(mask, zsum, offset), __shfl_xor_sync(mask, zsq, offset),
                __shfl_xor_sync(mask, zy, offset),   __shfl_xor_sync(mask, nt_min, offset)};
    }
    __device__ __forceinline__ RowStats shfl(unsigned mask, int src) const {
        return {__shfl_sync(mask, m, src),   __shfl_sync(mask, s, src),  __shfl_sync(mask, zsum, src),
                __shfl_sync(mask, zsq, src), __shfl_sync(mask, zy, src), __shfl_sync(mask, nt_min, src)};
    }
};

// The loss a kernel instantiation computes, and what its pass 1 gathers besides max and sum of exp;
// compile-time, so that neither the per-chunk loop nor the per-row solve carries a test of it and
// no kernel holds (and allocates registers for) another loss's code: every kernel is instantiated
// per loss, and the host picks one per call (launch_typed). The budget solve lives in the budget
// kernels only.
enum class RowLoss { kCrossEntropy, kUniform, kTemperedFixed, kTemperedBudget };

template <RowLoss kLoss>
struct StatsOptions {
    static constexpr RowLoss loss = kLoss;
    // label smoothing and the budget rule use sum(z)
    static constexpr bool need_zsum = kLoss == RowLoss::kUniform || kLoss == RowLoss::kTemperedBudget;
    static constexpr bool need_zsq = kLoss == RowLoss::kTemperedBudget;  // the budget rule uses sum(z^2)
    // LABO: the max over the non-targets (the tempered exponents' reference)
    static constexpr bool tempered = kLoss == RowLoss::kTemperedFixed || kLoss == RowLoss::kTemperedBudget;
    // the budget rule also uses their min (the solve's bracket, and the -inf guard of its sweeps)
    static constexpr bool need_nt_min = kLoss == RowLoss::kTemperedBudget;
    static constexpr bool fixed_sums = kLoss == RowLoss::kTemperedFixed;  // LABO at a fixed T: its tempered sums s, w1
};

using CrossEntropyLoss = StatsOptions<RowLoss::kCrossEntropy>;
using UniformLoss = StatsOptions<RowLoss::kUniform>;
using TemperedFixedLoss = StatsOptions<RowLoss::kTemperedFixed>;
using TemperedBudgetLoss = StatsOptions<RowLoss::kTemperedBudget>;

// One thread's pass-1 statistics, before the group reduction: the row statistics and, for LABO at
// a fixed T (whose beta is known before the row is read), the tempered sums s = sum e and
// w1 = sum e d, e = exp(beta d), d = z - st.m over the non-targets it has seen: so the fixed rule
// needs no pass of its own.
// The sums are kept about a reference st.m that follows the elements' maximum `top` lazily (an
// online softmax whose maximum may lag): it moves, rescaling the sums, only when an element exceeds
// it by more than reference_lag (exponentials up to 2^kReferenceLagLog2, far from overflow), not
// whenever the maximum rises. A thread meets a new maximum in most of its first chunks of a row,
// and with 32 lanes a warp nearly always has one that does, so a rescale at every new maximum ran
// in nearly every chunk; a lagging one runs in a warp's first chunk and then rarely. Until the first
// finite element the reference is 0 (limit -inf; the -inf or NaN elements before it give 0 or NaN
// about any reference, so no chunk tests for it). Before the group reduction the sums move to `top`
// (settle_reference), so that what is reduced is as before: sums about the thread's maximum.
// For LABO, st.m and st.s are over the non-targets only until the group reduction adds the target
// (join_target): the plain and the tempered exponentials of an element then share d = z - st.m,
// and one reference serves both.
struct ThreadStats {
    RowStats st;
    float limit;  // st.m + reference_lag: an element above it moves the reference (-inf: none yet)
    float top;    // the maximum of the elements folded so far
    // fp32, as st.s: one thread's share of a row, rescaled rarely (fp64 from the group reduction on)
    float ts;
    float tw1;

    __device__ __forceinline__ static ThreadStats identity() {
        return {{0.f, 0.f, 0.f, 0.f, 0.f, f_inf()}, -f_inf(), -f_inf(), 0.f, 0.f};
    }
};

// How far above a thread's reference its elements may go before the reference moves: 2^20 for the
// exponentials (of z - st.m, and for fixed-T LABO of beta (z - st.m) too). Sums of at most 2^31
// such terms stay 2^76 below FLT_MAX. (A lag need not be exact: __fdividef, which gives 0, the
// lag of a plain online softmax, for beta near its cap.)
constexpr float kReferenceLagLog2 = 20.f;
template <class Options>
__device__ __forceinline__ float reference_lag(float tscale) {
    if constexpr (Options::fixed_sums) return __fdividef(kReferenceLagLog2, fmaxf(kLog2e, tscale));
    return kReferenceLagLog2 / kLog2e;
}

// Moves tempered sums s = sum e, w1 = sum e d (d = z - from) to the maximum `to` >= from: each
// e scales by exp(beta (from - to)), each d shifts by (from - to). Sums about -inf are still 0.
// (T: float for a thread's sums, double for the group reduction's.)
template <class T>
__device__ __forceinline__ void rebase_tempered_sums(T &s, T &w1, float from, float to, float tscale) {
    if (from == -f_inf()) return;
    const float delta = from - to;
    const T f = fast_exp2(delta * tscale);
    w1 = (w1 + s * static_cast<T>(delta)) * f;
    s *= f;
}

// Moves the sums to the reference `to` > st.m: the sum of exponentials (and fixed-T LABO's tempered
// sums, at exponent scale `tscale`) rescaled, unless no finite element has come yet.
template <class Options>
__device__ __forceinline__ void move_reference(ThreadStats &acc, float to, float tscale) {
    RowStats &st = acc.st;
    if (acc.limit != -f_inf()) {
        if constexpr (Options::fixed_sums) rebase_tempered_sums(acc.ts, acc.tw1, st.m, to, tscale);
        st.s *= expf(st.m - to);
    }
    st.m = to;
}

// Online softmax with a lagging reference: a chunk whose maximum is `cmax`.
template <class Options>
__device__ __forceinline__ void follow_max(ThreadStats &acc, float cmax, float tscale) {
    acc.top = fmaxf(acc.top, cmax);
    if (cmax > acc.limit) {
        move_reference<Options>(acc, cmax, tscale);
        acc.limit = cmax + reference_lag<Options>(tscale);
    }
}

// The sums about the thread's maximum, for the group reduction (once per row); about -inf (s 0, or
// NaN) if no finite element came.
template <class Options>
__device__ __forceinline__ void settle_reference(ThreadStats &acc, float tscale) {
    if (acc.limit == -f_inf()) {
        acc.st.m = -f_inf();
    } else if (acc.top > acc.st.m) {
        move_reference<Options>(acc, acc.top, tscale);
    }
}

// Folds the values z[i] with keep(i) into the running sums about the reference (ThreadStats): the
// sum of exponentials and, for fixed-T LABO, the tempered sums at exponent scale `tscale` =
// beta log2(e), from the same differences d = z - st.m.
template <class Options, int N, class Keep>
__device__ __forceinline__ void fold_exponentials(ThreadStats &acc, float tscale, const float (&z)[N], Keep &&keep) {
    float e = -0.f, cs = -0.f, cw = -0.f;  // -0 + x is x: the first add folds away
#pragma unroll
    for (int i = 0; i < N; ++i) {
        if (keep(i)) {
            const float d = z[i] - acc.st.m;
            e += fast_exp(d);
            if constexpr (Options::fixed_sums) {
                // Unguarded: a -inf logit makes w1 NaN (0 * inf), and the row's sums are then taken
                // again with the guard (fixed_tempered_sums), which rows without one never pay for.
                const float et = fast_exp2(d * tscale);
                cs += et;
                cw = fmaf(et, d, cw);
            }
        }
    }
    acc.st.s += e;
    if constexpr (Options::fixed_sums) {
        acc.ts += cs;
        acc.tw1 += cw;
    }
}

// Pass 1 over one chunk: folds its elements into this thread's running statistics (`tscale`:
// fixed-T LABO's exponent scale, unused otherwise).
template <class Tr, class Options, class Geo, class Index>
__device__ __forceinline__ void accumulate_stats(ThreadStats &acc, float tscale, const uint4 &raw, const Geo &geo,
                                                 Index c, const RowTarget<Index> &target) {
    constexpr int kVec = Tr::kVec;
    RowStats &st = acc.st;
    float z[kVec];
    Tr::unpack(raw, z);
    if (plain_chunk(geo, c, target)) {
        float cmax = z[0];
#pragma unroll
        for (int i = 1; i < kVec; ++i) cmax = fmaxf(cmax, z[i]);
        follow_max<Options>(acc, cmax, tscale);
        fold_exponentials<Options>(acc, tscale, z, [](int) { return true; });
        if (Options::need_zsum) {
            float t = -0.f;
#pragma unroll
            for (int i = 0; i < kVec; ++i) t += z[i];
            st.zsum += t;
        }
        if (Options::need_zsq) {
            float q = -0.f;
#pragma unroll
            for (int i = 0; i < kVec; ++i) q = fmaf(z[i], z[i], q);
            st.zsq += q;
        }
        if (Options::need_nt_min) {
            float cmin = z[0];
#pragma unroll
            for (int i = 1; i < kVec; ++i) cmin = fminf(cmin, z[i]);
            st.nt_min = fminf(st.nt_min, cmin);
        }
        return;
    }
    const ChunkSlots slots(geo, c, target);
    // The elements the running maximum and the sums of exponentials take (LABO: not the target).
    auto summed = [&](int i) { return slots.valid(i) && (!Options::tempered || i != slots.target); };
    float cmax = -f_inf();
    float cmin = f_inf();
#pragma unroll
    for (int i = 0; i < kVec; ++i) {
        if (summed(i)) {
            cmax = fmaxf(cmax, z[i]);
            if (Options::need_nt_min) cmin = fminf(cmin, z[i]);
        }
        if (i == slots.target) st.zy += z[i];
    }
    follow_max<Options>(acc, cmax, tscale);
    // (also before the first finite element: a NaN must reach the sums, making the row's loss NaN)
    fold_exponentials<Options>(acc, tscale, z, summed);
    if (Options::need_nt_min) st.nt_min = fminf(st.nt_min, cmin);
    if (Options::need_zsum) {
#pragma unroll
        for (int i = 0; i < kVec; ++i) {
            if (slots.valid(i)) st.zsum += z[i];
        }
    }
    if (Options::need_zsq) {
#pragma unroll
        for (int i = 0; i < kVec; ++i) {
            if (slots.valid(i)) st.zsq = fmaf(z[i], z[i], st.zsq);
        }
    }
}

// Fixed-T LABO's pass-1 statistics as one reduction: the row statistics and the tempered sums
// s, w1 about that side's own non-target maximum st.m (ThreadStats), moved with the plain sum to
// the group's maximum. One reduction, not one for the row's maximum and then one for the sums moved
// to it. tscale (the same in every thread) rides along for the moves and is not shuffled.
struct FixedStats {
    RowStats st;
    double s;
    double w1;
    float tscale;

    __device__ __forceinline__ static FixedStats identity(float tscale) {
        return {RowStats::identity(), 0.0, 0.0, tscale};
    }
    __device__ __forceinline__ float running_max() const { return st.m; }
    __device__ __forceinline__ FixedStats about(float to) const {
        FixedStats r{st.about(to), s, w1, tscale};
        rebase_tempered_sums(r.s, r.w1, st.m, to, tscale);
        return r;
    }
    __device__ __forceinline__ static FixedStats add(const FixedStats &a, const FixedStats &b) {
        return {RowStats::add(a.st, b.st), __dadd_rn(a.s, b.s), __dadd_rn(a.w1, b.w1), a.tscale};
    }
    __device__ __forceinline__ FixedStats shfl_xor(unsigned mask, int offset) const {
        return {st.shfl_xor(mask, offset), __shfl_xor_sync(mask, s, offset), __shfl_xor_sync(mask, w1, offset),
                tscale};
    }
    __device__ __forceinline__ FixedStats shfl(unsigned mask, int src) const {
        return {st.shfl(mask, src), __shfl_sync(mask, s, src), __shfl_sync(mask, w1, src), tscale};
    }
};

// Pass 1 of a row, reduced over the group: its statistics, (LABO) the max over k != y, and
// (fixed-T LABO) its tempered sums s = sum e, w1 = sum e d about that maximum.
struct Pass1Result {
    RowStats st;
    float nt_max;  // LABO only
    double fixed_s;
    double fixed_w1;
};

// LABO's reduced pass-1 statistics, whose maximum and sum of exponentials are over the non-targets
// (ThreadStats), with the target added: m = max(nt_max, z_y), s = s_nt e^(nt_max - m) + e^(z_y - m).
// Returns nt_max, the maximum before. Once per row, in every thread of the group alike.
__device__ __forceinline__ float join_target(RowStats &st) {
    const float nt_max = st.m;
    st.m = fmaxf(nt_max, st.zy);
    if (st.m == -f_inf()) {
        st.s = 0.f;  // every logit -inf, as the running sums leave it
    } else {
        const float nt_part = nt_max == -f_inf() ? 0.f : __fmul_rn(st.s, expf(nt_max - st.m));
        st.s = __fadd_rn(nt_part, expf(st.zy - st.m));
    }
    return nt_max;
}

// The group reduction of the threads' pass-1 statistics.
template <class Options, class Group>
__device__ __forceinline__ Pass1Result reduce_stats(const Group &g, ThreadStats acc, float tscale) {
    settle_reference<Options>(acc, tscale);
    if constexpr (Options::fixed_sums) {
        FixedStats r =
            g.allreduce_about_max(FixedStats{acc.st, acc.ts, acc.tw1, tscale}, FixedStats::identity(tscale));
        const float nt_max = join_target(r.st);
        return {r.st, nt_max, r.s, r.w1};
    } else if constexpr (Options::tempered) {
        RowStats st = g.allreduce_about_max(acc.st);
        const float nt_max = join_target(st);
        return {st, nt_max, 0.0, 0.0};
    } else {
        return {g.allreduce_about_max(acc.st), -f_inf(), 0.0, 0.0};
    }
}

// Pass 1 over a row view (its first read of the row), reduced over the group.
template <class Tr, class Options, class Group, class View, class Index>
__device__ __forceinline__ Pass1Result row_stats(const Group &g, View &view, const RowTarget<Index> &target,
                                                 float tscale) {
    ThreadStats acc = ThreadStats::identity();
    view.load_pass(
        [&](const uint4 &raw, Index c) { accumulate_stats<Tr, Options>(acc, tscale, raw, view.geo, c, target); });
    return reduce_stats<Options>(g, acc, tscale);
}

}  // namespace label_loss
}  // namespace cuda
}  // namespace labo

#endif  // LABO_SRC_CUDA_LABEL_LOSS_STATS_CUH_
