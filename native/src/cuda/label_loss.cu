// The fused label-regularized loss kernels (METHOD.md): cross-entropy, label smoothing and LABO
// (fixed or budget temperature), forward and backward in one sweep over each row of logits.
//
// One row is processed by one group of threads that keeps the row on chip from the first read of
// the logits to the gradient write:
//   - warp path   : a group of 4..32 lanes of one warp per row, the row in registers
//                   (up to 8 16-byte chunks per lane: V <= ~1020 fp32, ~2040 bf16/fp16);
//   - block-smem  : a block per row at a time, the row in dynamic shared memory in its own dtype
//                   (up to the device's opt-in limit: ~57K fp32 / ~115K bf16 on an H100);
//                   persistent blocks that copy the next row in (cp.async) and run its pass 1
//                   while writing the current row's gradient (pipelined_smem_rows);
//   - block-stream: a block per row for longer rows; every pass re-reads the row from global
//                   memory (L2), the result is the same.
// The row algorithm (process_row) is written once against a "row view" (RegisterRow, SharedRow,
// GlobalRow) and a thread "group" (WarpGroup, BlockGroup). A row is read as 16-byte chunks laid
// on the aligned 16-byte grid of its own address, so any row start or stride gets vector loads
// (only the first and last chunk of a row can be partial and use element loads).
//
// Passes over a row: (1) max, online sum of exp, z_y and, as the loss needs them, sums of z and
// z^2, max/min over non-targets and, for LABO at a fixed T, its tempered sums (online, about the
// running non-target max); (2) the budget rule only: tempered sums at beta = 1/T, one pass per
// Halley/bisection step but the last; (3) the gradient write. Accumulation is in fp32 (the
// tempered sums: fp32 within a 16-byte chunk, fp64 across chunks and threads).
// The instructions issued per element bounded these kernels once (Nsight Compute on an H200), so
// the chunks that hold neither a row end nor the target, all but one or two per row, skip the
// per-element tests, chunk indices inside a row are 32-bit where the row is short by construction,
// and what depends only on the loss (pass 1's options, the gradient's kind) is a template argument.
// What bounds the shared-memory path now is time between rows with nothing in flight (the last
// chunks' latency, the reduction, the solve): bench/results/gpu-2026-11-27-h200-*/README.md.
#include <cfloat>
#include <climits>
#include <cstdint>
#include <type_traits>

#include "../budget_step.h"
#include "cuda_common.cuh"
#include "launch.cuh"

namespace labo {
namespace cuda {

namespace {

__device__ __forceinline__ float f_inf() { return __int_as_float(0x7f800000); }
__device__ __forceinline__ float f_nan() { return __int_as_float(0x7fffffff); }
__device__ __forceinline__ double d_inf() { return __longlong_as_double(0x7ff0000000000000LL); }

// Upper end of beta = 1/T ("T = 0": r one-hot on the strongest non-target(s)), as in the CPU
// kernel; beta * (z - nt_max) is 0 or a negative float (or -inf), never NaN, for finite z.
constexpr double kBetaMax = 3.0e38;

// ---------------------------------------------------------------------------------------------
// Statistics of pass (1), mergeable across threads (and, later, across vocabulary shards).
// ---------------------------------------------------------------------------------------------
struct RowStats {
    float m;       // max over the row (LABO's pass 1: over k != y until join_target)
    float s;       // sum of exp(z - m) (likewise)
    float zsum;    // sum of z over the row
    float zsq;     // sum of z^2 over the row (the budget rule's starting point)
    float zy;      // z_y (only the owning thread contributes)
    float nt_max;  // max over k != y (LABO: set by join_target)
    float nt_min;  // min over k != y

    __device__ __forceinline__ static RowStats identity() {
        return {-f_inf(), 0.f, 0.f, 0.f, 0.f, -f_inf(), f_inf()};
    }
    __device__ __forceinline__ static RowStats combine(const RowStats &a, const RowStats &b) {
        RowStats r;
        r.m = fmaxf(a.m, b.m);
        if (r.m == -f_inf()) {
            r.s = 0.f;
        } else {
            r.s = __fadd_rn(__fmul_rn(a.s, expf(a.m - r.m)), __fmul_rn(b.s, expf(b.m - r.m)));
        }
        r.zsum = __fadd_rn(a.zsum, b.zsum);
        r.zsq = __fadd_rn(a.zsq, b.zsq);
        r.zy = __fadd_rn(a.zy, b.zy);
        r.nt_max = fmaxf(a.nt_max, b.nt_max);
        r.nt_min = fminf(a.nt_min, b.nt_min);
        return r;
    }
    __device__ __forceinline__ RowStats shfl_xor(unsigned mask, int offset) const {
        return {__shfl_xor_sync(mask, m, offset),      __shfl_xor_sync(mask, s, offset),
                __shfl_xor_sync(mask, zsum, offset),   __shfl_xor_sync(mask, zsq, offset),
                __shfl_xor_sync(mask, zy, offset),     __shfl_xor_sync(mask, nt_max, offset),
                __shfl_xor_sync(mask, nt_min, offset)};
    }
    __device__ __forceinline__ RowStats shfl(unsigned mask, int src) const {
        return {__shfl_sync(mask, m, src),    __shfl_sync(mask, s, src),      __shfl_sync(mask, zsum, src),
                __shfl_sync(mask, zsq, src),  __shfl_sync(mask, zy, src),     __shfl_sync(mask, nt_max, src),
                __shfl_sync(mask, nt_min, src)};
    }
};

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

// ---------------------------------------------------------------------------------------------
// Row views. Each thread of a group owns the chunks c = rank, rank + size, ... of the row and
// only ever touches those (the gradient of a chunk is written by the thread that read it, so the
// gradient may alias the logits). load_pass() is the first pass (reads global memory and keeps
// the chunks on chip); pass() replays them. f(raw, c) receives the raw 16 bytes of chunk c.
// SharedRow has only pass(): pipelined_smem_rows fills its slots itself, a row ahead.
// ---------------------------------------------------------------------------------------------

// Loads U chunks before using them, for memory-level parallelism.
template <int U, class Load, class F>
__device__ __forceinline__ void strided_chunks(int64_t first, int64_t step, int64_t n, Load &&load, F &&f) {
    int64_t c = first;
    for (; c + (U - 1) * step < n; c += U * step) {
        uint4 raw[U];
#pragma unroll
        for (int u = 0; u < U; ++u) raw[u] = load(c + u * step);
#pragma unroll
        for (int u = 0; u < U; ++u) f(raw[u], c + u * step);
    }
    for (; c < n; c += step) f(load(c), c);
}

template <class Tr, int LANES, int CPT>
struct RegisterRow {
    using Storage = typename Tr::Storage;
    using Index = int;  // at most 32 x 8 chunks
    const Storage *row;
    RowGeometry<Tr, Index> geo;
    int rank;
    uint4 r[CPT];

    __device__ __forceinline__ RegisterRow(const Storage *row_, int64_t vocab, int rank_)
        : row(row_), geo(row_, static_cast<Index>(vocab)), rank(rank_) {}

    template <class F>
    __device__ __forceinline__ void load_pass(F &&f) {
#pragma unroll
        for (int j = 0; j < CPT; ++j) {
            const int c = rank + j * LANES;
            r[j] = c < geo.chunks ? load_chunk<Tr>(row, geo, c) : make_uint4(0u, 0u, 0u, 0u);
        }
        pass(f);
    }
    template <class F>
    __device__ __forceinline__ void pass(F &&f) {
#pragma unroll
        for (int j = 0; j < CPT; ++j) {
            const int c = rank + j * LANES;
            if (c < geo.chunks) f(r[j], c);
        }
    }
};

template <class Tr>
struct SharedRow {
    using Storage = typename Tr::Storage;
    using Index = int;  // a row that fits in shared memory
    const Storage *row;
    RowGeometry<Tr, Index> geo;
    int rank;
    int size;
    uint4 *chunks;  // shared memory, geo.chunks entries

    __device__ __forceinline__ SharedRow(const Storage *row_, int64_t vocab, int rank_, int size_, uint4 *chunks_)
        : row(row_), geo(row_, static_cast<Index>(vocab)), rank(rank_), size(size_), chunks(chunks_) {}

    // No load_pass(): pipelined_smem_rows fills the slots itself and runs pass 1 as they arrive.
    template <class F>
    __device__ __forceinline__ void pass(F &&f) {
        for (int c = rank; c < geo.chunks; c += size) f(chunks[c], c);
    }
};

template <class Tr>
struct GlobalRow {
    using Storage = typename Tr::Storage;
    using Index = int64_t;  // rows of any length
    const Storage *row;
    RowGeometry<Tr, Index> geo;
    int rank;
    int size;

    __device__ __forceinline__ GlobalRow(const Storage *row_, int64_t vocab, int rank_, int size_)
        : row(row_), geo(row_, vocab), rank(rank_), size(size_) {}

    template <class F>
    __device__ __forceinline__ void load_pass(F &&f) {
        pass(f);
    }
    template <class F>
    __device__ __forceinline__ void pass(F &&f) {
        strided_chunks<4>(
            rank, size, geo.chunks, [&](int64_t c) { return load_chunk<Tr>(row, geo, c); }, f);
    }
};

// ---------------------------------------------------------------------------------------------
// The row algorithm.
// ---------------------------------------------------------------------------------------------

// The target check found a bad target: the call is refused, and its kernels write nothing (no
// output, no in-place gradient over the logits).
__device__ __forceinline__ bool call_refused(const LossKernelParams &p) { return *p.refused != 0ull; }

__device__ __forceinline__ float gradient_scale(const LossKernelParams &p) {
    if (p.reduction != LABO_REDUCTION_MEAN) return 1.f;
    const unsigned long long valid = *p.valid_rows;
    return valid > 0ull ? static_cast<float>(1.0 / static_cast<double>(valid)) : 0.f;
}

__device__ __forceinline__ void write_row_outputs(const LossKernelParams &p, int64_t row, float loss,
                                                  float temperature, float entropy, float p_target) {
    p.row_loss[row] = loss;
    if (p.row_temperature != nullptr) p.row_temperature[row] = temperature;
    if (p.row_entropy != nullptr) p.row_entropy[row] = entropy;
    if (p.row_p_target != nullptr) p.row_p_target[row] = p_target;
}

// An ignored row's outputs: loss 0, T and p_y NaN, H 0.
__device__ __forceinline__ void write_ignored_row_outputs(const LossKernelParams &p, int64_t row) {
    write_row_outputs(p, row, 0.f, f_nan(), 0.f, f_nan());
}

template <class Tr, class Index>
__device__ void zero_gradient_row(typename Tr::Storage *grow, Index vocab, int rank, int size) {
    const RowGeometry<Tr, Index> geo(grow, vocab);
    float zeros[Tr::kVec];
#pragma unroll
    for (int i = 0; i < Tr::kVec; ++i) zeros[i] = 0.f;
    for (Index c = rank; c < geo.chunks; c += size) store_chunk<Tr>(grow, geo, c, geo.full(c), zeros);
}

// A chunk whose elements are all inside the row and none of which is the target: every chunk of
// a row but one or two, taken without per-element tests.
template <class Geo, class Index>
__device__ __forceinline__ bool plain_chunk(const Geo &geo, Index c, const RowTarget<Index> &target) {
    return geo.full(c) && c != target.chunk;
}

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
                                                          const RowStats &st, float beta_log2e) {
    if (st.nt_min == -f_inf()) return tempered_sums<Tr, true>(view, target, st.nt_max, beta_log2e);
    return tempered_sums<Tr, false>(view, target, st.nt_max, beta_log2e);
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
    __device__ BudgetMove start(const LossKernelParams &p, const RowStats &st) {
        n_ = static_cast<double>(p.vocab - 1);
        eps_ = static_cast<double>(p.budget_epsilon);
        const double zy = st.zy;
        const double mean_u = (static_cast<double>(st.zsum) - zy) / n_;  // mean of the non-target logits
        // eps == 0 (T = +inf), V == 2, or all non-target logits equal: r is uniform for every beta.
        // Its sums come from pass 1: s = n, E_r[z] the mean of the non-targets (-inf with -inf
        // logits: an infinite loss, as uniform weight on a -inf logit implies).
        if (!(eps_ > 0.0) || p.vocab <= 2 || !(st.nt_max > st.nt_min)) return finish(0.0, n_, mean_u - st.nt_max);
        // Variance of the non-target logits (NaN, 0 or inf with non-finite logits or total
        // cancellation: the guard below then starts at beta = 1).
        const double var_u = (static_cast<double>(st.zsq) - zy * zy) / n_ - mean_u * mean_u;
        log_n_ = log(n_);
        double beta = budget_seed(eps_, var_u, static_cast<double>(st.nt_max) - mean_u);
        if (!(beta > 0.0) || !(beta < kBetaMax)) beta = 1.0;  // NaN, 0 or inf (non-finite logits)
        if (eps_ >= log_n_) beta = kBetaMax;  // kappa = 1: T = 0, one-hot on the strongest non-target
        tolerance_ = 1e-6 * fmax(1.0, eps_);
        range_ = static_cast<double>(st.nt_max) - static_cast<double>(st.nt_min);  // largest |d|
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
                                    const RowTarget<Index> &target, const RowStats &st) {
    BudgetSolve solve;
    BudgetMove move = g.solo([&] { return solve.start(p, st); });
    while (!move.done) {
        move = g.reduce_solo(row_tempered_sums<Tr>(view, target, st, move.beta_log2e),
                             [&](const TemperedSums &u) { return solve.after_sweep(u); });
    }
    return move.row;
}

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

__device__ __forceinline__ bool row_is_ignored(const LossKernelParams &p, int64_t y) {
    // Targets outside [0, V) are refused by the host before this kernel runs; defensively ignored.
    return y == p.ignore_index || y < 0 || y >= p.vocab;
}

// One thread's pass-1 statistics, before the group reduction: the row statistics and, for LABO at
// a fixed T (whose beta is known before the row is read), the tempered sums s = sum e and
// w1 = sum e d, e = exp(beta d), d = z - st.m over the non-targets it has seen, kept about its
// running maximum and rescaled as that rises (as the online softmax rescales s): so the fixed rule
// needs no pass of its own.
// For LABO, st.m and st.s are over the non-targets only until the group reduction adds the target
// (join_target): the plain and the tempered exponentials of an element then share d = z - st.m,
// and one running maximum serves both.
struct ThreadStats {
    RowStats st;
    double ts;
    double tw1;

    __device__ __forceinline__ static ThreadStats identity() { return {RowStats::identity(), 0.0, 0.0}; }
};

// Moves tempered sums s = sum e, w1 = sum e d (d = z - from) to the maximum `to` >= from: each
// e scales by exp(beta (from - to)), each d shifts by (from - to). Sums about -inf are still 0.
__device__ __forceinline__ void rebase_tempered_sums(double &s, double &w1, float from, float to, float tscale) {
    if (from == -f_inf()) return;
    const float delta = from - to;
    const double f = fast_exp2(delta * tscale);
    w1 = (w1 + s * static_cast<double>(delta)) * f;
    s *= f;
}

// Online softmax: raises the running maximum to `cmax`, rescaling the running sum of exponentials
// (and fixed-T LABO's tempered sums, at exponent scale `tscale`).
template <class Options>
__device__ __forceinline__ void raise_max(ThreadStats &acc, float cmax, float tscale) {
    RowStats &st = acc.st;
    if (cmax > st.m) {
        if constexpr (Options::fixed_sums) rebase_tempered_sums(acc.ts, acc.tw1, st.m, cmax, tscale);
        st.s *= expf(st.m - cmax);
        st.m = cmax;
    }
}

// Folds the values z[i] with keep(i) into the running sums about `base` (the running maximum, or 0
// while that is -inf: exp(-inf - 0) = 0 rather than exp(-inf + inf)): the sum of exponentials and,
// for fixed-T LABO, the tempered sums at exponent scale `tscale` = beta log2(e), from the same
// differences d = z - base.
template <class Options, int N, class Keep>
__device__ __forceinline__ void fold_exponentials(ThreadStats &acc, float base, float tscale, const float (&z)[N],
                                                  Keep &&keep) {
    float e = -0.f, cs = -0.f, cw = -0.f;  // -0 + x is x: the first add folds away
#pragma unroll
    for (int i = 0; i < N; ++i) {
        if (keep(i)) {
            const float d = z[i] - base;
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
        raise_max<Options>(acc, cmax, tscale);
        fold_exponentials<Options>(acc, st.m == -f_inf() ? 0.f : st.m, tscale, z, [](int) { return true; });
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
    raise_max<Options>(acc, cmax, tscale);
    if (st.m != -f_inf()) fold_exponentials<Options>(acc, st.m, tscale, z, summed);
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
// s, w1 about that side's own non-target maximum st.m (ThreadStats); combining two sides moves both sums to
// the larger maximum. One reduction, not one for the row's maximum and then one for the sums moved
// to it. tscale (the same in every thread) rides along for the moves and is not shuffled.
struct FixedStats {
    RowStats st;
    double s;
    double w1;
    float tscale;

    __device__ __forceinline__ static FixedStats identity(float tscale) {
        return {RowStats::identity(), 0.0, 0.0, tscale};
    }
    __device__ __forceinline__ static FixedStats combine(const FixedStats &a, const FixedStats &b) {
        FixedStats r{RowStats::combine(a.st, b.st), a.s, a.w1, a.tscale};
        double bs = b.s, bw1 = b.w1;
        rebase_tempered_sums(r.s, r.w1, a.st.m, r.st.m, a.tscale);
        rebase_tempered_sums(bs, bw1, b.st.m, r.st.m, a.tscale);
        r.s = __dadd_rn(r.s, bs);
        r.w1 = __dadd_rn(r.w1, bw1);
        return r;
    }
    __device__ __forceinline__ FixedStats shfl_xor(unsigned mask, int offset) const {
        return {st.shfl_xor(mask, offset), __shfl_xor_sync(mask, s, offset), __shfl_xor_sync(mask, w1, offset),
                tscale};
    }
    __device__ __forceinline__ FixedStats shfl(unsigned mask, int src) const {
        return {st.shfl(mask, src), __shfl_sync(mask, s, src), __shfl_sync(mask, w1, src), tscale};
    }
};

// Pass 1 of a row, reduced over the group: its statistics and (fixed-T LABO) its tempered sums
// s = sum e, w1 = sum e d about the row's non-target maximum.
struct Pass1Result {
    RowStats st;
    double fixed_s;
    double fixed_w1;
};

// LABO's reduced pass-1 statistics, whose maximum and sum of exponentials are over the non-targets
// (ThreadStats), with the target added: m = max(nt_max, z_y), s = s_nt e^(nt_max - m) + e^(z_y - m).
// Once per row, in every thread of the group alike.
__device__ __forceinline__ RowStats join_target(RowStats st) {
    st.nt_max = st.m;
    st.m = fmaxf(st.nt_max, st.zy);
    if (st.m == -f_inf()) {
        st.s = 0.f;  // every logit -inf, as the running sums leave it
    } else {
        const float nt_part = st.nt_max == -f_inf() ? 0.f : __fmul_rn(st.s, expf(st.nt_max - st.m));
        st.s = __fadd_rn(nt_part, expf(st.zy - st.m));
    }
    return st;
}

// The group reduction of the threads' pass-1 statistics.
template <class Options, class Group>
__device__ __forceinline__ Pass1Result reduce_stats(const Group &g, const ThreadStats &acc, float tscale) {
    if constexpr (Options::fixed_sums) {
        const FixedStats r = g.allreduce(FixedStats{acc.st, acc.ts, acc.tw1, tscale}, FixedStats::identity(tscale));
        return {join_target(r.st), r.s, r.w1};
    } else if constexpr (Options::tempered) {
        return {join_target(g.allreduce(acc.st)), 0.0, 0.0};
    } else {
        return {g.allreduce(acc.st), 0.0, 0.0};
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

// Fixed-T LABO's tempered sums s, w1 of a row: pass 1's, unless a -inf logit (a masked vocabulary;
// pass 1 sums without the guard) made them NaN; then one guarded sweep over the row gives the sums a
// guarded pass 1 would have (about the same nt_max, up to the order of the additions; NaN or +inf
// logits give the same results either way). The test is on the group-reduced sums, the same in
// every thread, so the whole group sweeps or none of it.
template <class Tr, class Group, class View, class Index>
__device__ __forceinline__ Pass1Result fixed_tempered_sums(const Group &g, View &view, const RowTarget<Index> &target,
                                                           const Pass1Result &pass1, float tscale) {
    if (pass1.fixed_s == pass1.fixed_s && pass1.fixed_w1 == pass1.fixed_w1) return pass1;  // neither is NaN
    const TemperedSums u = g.allreduce(tempered_sums<Tr, true>(view, target, pass1.st.nt_max, tscale));
    return {pass1.st, u.s, u.w1};
}

// Fixed-T LABO's row constants from its reduced pass-1 sums, worked out by every thread (the same
// sums give every thread the same bits; no solo, no barrier). fp32 is enough here: the sums were
// added up in fp64 and s >= 1 (the strongest non-target contributes 2^0), so log s is well
// conditioned, and H = log s - beta m1 adds two non-negative terms (m1 <= 0).
// `tscale`: the kernel's exponent scale of beta_fixed (tempered_exponent_scale).
__device__ __forceinline__ TemperedRow fixed_tempered_row(const LossKernelParams &p, const Pass1Result &pass1,
                                                          float tscale) {
    const float s = static_cast<float>(pass1.fixed_s);
    const float m1 = static_cast<float>(pass1.fixed_w1) / s;
    if (static_cast<double>(p.beta_fixed) > 0.0) {
        return {m1, logf(s) - p.beta_fixed * m1, p.temperature, tscale, log2f(s), false};
    }
    return {m1, logf(s), p.temperature, 0.f, 0.f, true};
}

// What the gradient pass needs of a solved row, as the constants of its per-element arithmetic:
// grad_k = scale (p_k - q_k) with p_k = 2^((z_k - m) log2(e) - log2(s)); q_k is a constant per
// row for k != y (0 for CE, alpha/V for LS, alpha/(V-1) for LABO at T = infinity) plus, for LABO
// at beta > 0, alpha r_k with r_k = 2^((z_k - nt_max) beta log2(e) - log2(s_r)), and then p_k,
// k != y, is taken about nt_max as well, 2^((z_k - nt_max) log2(e) - p_offset_nt), so that both
// exponents share one difference. p_offset_nt = log2(s) + (m - nt_max) log2(e) is log2(s) itself
// unless the target is the row's maximum; it is at most the exponent's magnitude, so its rounding
// costs no more than that of z_k - m.
struct GradientRule {
    float m;
    float log2_s;
    float scale;
    float scaled_q_nontarget;  // scale times the constant part of q_k, k != y
    float scaled_q_target;     // scale q_y
    bool tempered;             // LABO at beta > 0: the r term is present
    float scaled_alpha;      // scale alpha
    float nt_max;
    float beta_log2e;        // beta log2(e), at most FLT_MAX (beta's cap times log2(e) is not a float)
    float log2_s_r;
    float p_offset_nt;
};

// What a gradient sweep writes: zeros (an ignored row), scale (p - q) without or with LABO's r.
enum class GradientKind { kZero, kPlain, kTempered };

// Gradient of chunk c, into gk (elements outside the row get values that are never stored).
template <GradientKind kKind, class Tr, class Geo, class Index>
__device__ __forceinline__ void gradient_chunk(const GradientRule &rule, const uint4 &raw, const Geo &geo, Index c,
                                               const RowTarget<Index> &target, float (&gk)[Tr::kVec]) {
    constexpr int kVec = Tr::kVec;
    if (kKind == GradientKind::kZero) {
#pragma unroll
        for (int i = 0; i < kVec; ++i) gk[i] = 0.f;
        return;
    }
    float z[kVec];
    Tr::unpack(raw, z);
    auto scaled_p_minus_q = [&](float zi, float scaled_q) {
        const float p = fast_exp2(fmaf(zi - rule.m, kLog2e, -rule.log2_s));
        return fmaf(p, rule.scale, -scaled_q);
    };
    // scale (p_k - q_k) for k != y: LABO's p and r from the same d = z_k - nt_max.
    auto non_target = [&](float zi) {
        if constexpr (kKind == GradientKind::kTempered) {
            const float d = zi - rule.nt_max;
            const float p = fast_exp2(fmaf(d, kLog2e, -rule.p_offset_nt));
            const float r = fast_exp2(fmaf(d, rule.beta_log2e, -rule.log2_s_r));
            return fmaf(r, -rule.scaled_alpha, fmaf(p, rule.scale, -rule.scaled_q_nontarget));
        } else {
            return scaled_p_minus_q(zi, rule.scaled_q_nontarget);
        }
    };
    if (c != target.chunk) {  // (elements outside a partial chunk are computed, never stored)
#pragma unroll
        for (int i = 0; i < kVec; ++i) gk[i] = non_target(z[i]);
        return;
    }
    const ChunkSlots slots(geo, c, target);
#pragma unroll
    for (int i = 0; i < kVec; ++i) {
        gk[i] = i == slots.target ? scaled_p_minus_q(z[i], rule.scaled_q_target) : non_target(z[i]);
    }
}

// Everything between pass 1 and the gradient pass for a row with a valid target y: the
// group-reduced statistics `st` in, the row's outputs written (by the group's leader), the
// gradient rule out. LABO runs its tempered passes over `view` here.
template <class Tr, class Options, class Group, class View, class Index>
__device__ __forceinline__ GradientRule solve_row(const LossKernelParams &p, int64_t row, const RowTarget<Index> &target,
                                                  float scale, float tscale, const Group &g, View &view,
                                                  const Pass1Result &pass1) {
    constexpr RowLoss kLoss = Options::loss;
    const RowStats &st = pass1.st;
    const float m = st.m;
    const float log_s = logf(st.s);
    const float zy = st.zy;
    const float p_target = expf((zy - m) - log_s);
    const float alpha = kLoss == RowLoss::kCrossEntropy ? 0.f : p.alpha;

    float loss, temperature, entropy;
    float q_nontarget = 0.f;       // the constant part of q_k, k != y
    float q_target = 1.f - alpha;  // q_y
    GradientRule rule{m, log2f(st.s), scale, 0.f, 0.f, Options::tempered, scale * alpha, st.nt_max, 0.f, 0.f, 0.f};
    if constexpr (kLoss == RowLoss::kCrossEntropy) {
        loss = log_s + (m - zy);
        temperature = f_nan();
        entropy = 0.f;
    } else if constexpr (kLoss == RowLoss::kUniform) {
        const float mean = st.zsum / static_cast<float>(p.vocab);
        loss = log_s + (m - zy) + alpha * (zy - mean);
        temperature = f_inf();
        entropy = logf(static_cast<float>(p.vocab));
        q_nontarget = alpha / static_cast<float>(p.vocab);
        q_target += q_nontarget;
    } else {
        TemperedRow r;
        if constexpr (kLoss == RowLoss::kTemperedFixed) {
            r = fixed_tempered_row(p, fixed_tempered_sums<Tr>(g, view, target, pass1, tscale), tscale);
        } else {
            r = solve_budget<Tr>(p, g, view, target, st);
        }
        loss = log_s + (m - zy) + alpha * (zy - (st.nt_max + r.m1));  // st.nt_max + r.m1 = E_r[z]
        temperature = r.temperature;
        entropy = r.entropy;
        if (r.uniform) {
            // T = infinity: r is uniform over the non-targets (-inf logits included, where
            // 0 * (z - nt_max) would be NaN), a constant alpha / (V - 1), no exponentials.
            rule.tempered = false;
            q_nontarget = alpha / static_cast<float>(p.vocab - 1);
        } else {
            rule.beta_log2e = r.beta_log2e;
            rule.log2_s_r = r.log2_s;
            rule.p_offset_nt = fmaf(m - st.nt_max, kLog2e, rule.log2_s);
        }
    }
    rule.scaled_q_nontarget = scale * q_nontarget;
    rule.scaled_q_target = scale * q_target;
    if (g.rank == 0) write_row_outputs(p, row, loss, temperature, entropy, p_target);
    return rule;
}

// The gradient pass over a row view: each thread writes the chunks it holds. The gradient kind
// is a template argument so that the per-chunk loop carries no test of it.
template <GradientKind kKind, class Tr, class View, class Index>
__device__ __forceinline__ void write_gradient(const GradientRule &rule, View &view, const RowTarget<Index> &target,
                                               typename Tr::Storage *grow, bool same_phase) {
    view.pass([&](const uint4 &raw, Index c) {
        float gk[Tr::kVec];
        gradient_chunk<kKind, Tr>(rule, raw, view.geo, c, target, gk);
        store_chunk<Tr>(grow, view.geo, c, same_phase && view.geo.full(c), gk);
    });
}

// One row, start to end, by one group: pass 1, the solve, the gradient pass (`tscale`: fixed-T
// LABO's exponent scale, the same for every row).
template <class Tr, class Options, class Group, class View>
__device__ __forceinline__ void process_row(const LossKernelParams &p, int64_t row, float scale, float tscale,
                                            const Group &g, View &view) {
    using Storage = typename Tr::Storage;
    using Index = typename View::Index;
    const int64_t y = p.targets[row];
    Storage *grow = p.grad != nullptr ? static_cast<Storage *>(p.grad) + row * p.grad_stride : nullptr;

    if (row_is_ignored(p, y)) {  // contributes nothing
        if (grow != nullptr) zero_gradient_row<Tr>(grow, view.geo.vocab, g.rank, g.size());
        if (g.rank == 0) write_ignored_row_outputs(p, row);
        return;
    }
    const RowTarget<Index> target = row_target(view.geo, y);
    const GradientRule rule = solve_row<Tr, Options>(p, row, target, scale, tscale, g, view,
                                                     row_stats<Tr, Options>(g, view, target, tscale));
    if (grow == nullptr) return;
    const bool same_phase = chunk_phase<Tr>(grow) == view.geo.phase;
    if constexpr (Options::tempered) {
        if (rule.tempered) {
            write_gradient<GradientKind::kTempered, Tr>(rule, view, target, grow, same_phase);
            return;
        }
    }
    write_gradient<GradientKind::kPlain, Tr>(rule, view, target, grow, same_phase);
}

// The block-smem path's row loop. A block is resident for several rows (grid = as many blocks
// as fit on the device at once) and keeps the next row's load in flight while it works on the
// current one: in the gradient sweep of row i each thread, right after writing its gradient
// chunk c from shared memory, starts the asynchronous copy of its chunk c of row i + 1 into the
// same slot, and a few chunks later, once that copy has landed, folds it into row i + 1's pass-1
// statistics. Row i + 1's first pass thus runs while the memory system is busy with row i's
// gradient and row i + 1's logits, instead of after them with nothing in flight; what is left
// between two gradient sweeps is the statistics' reduction and the row's solve. A thread only
// ever touches its own slots (c = rank, rank + size, ...), so the pipeline needs no barriers
// beyond the reductions'.
template <class Tr>
__device__ __forceinline__ void start_chunk_load(uint4 *slot, const SharedRow<Tr> &view, int c) {
    if (view.geo.full(c)) {
        async_copy_16(slot, view.row + view.geo.first(c));
    } else {
        *slot = load_chunk<Tr>(view.row, view.geo, c);
    }
}

// How many of a thread's chunks behind its newest copy the fused sweep reads the next row: each
// chunk's copy is one cp.async group, and a chunk is folded into the statistics once at most
// this many newer groups are in flight. More hides more latency and keeps more bytes in flight
// (1024 threads x 16 bytes per step); the chunks still in flight at the end of the sweep are
// folded after it. A build-time setting for tuning experiments (bench/gpu/pack-variants.sh).
#ifndef LABO_SMEM_PATH_STATS_LAG
#define LABO_SMEM_PATH_STATS_LAG 4
#endif
constexpr int kStatsLag = LABO_SMEM_PATH_STATS_LAG;
static_assert(kStatsLag >= 1 && kStatsLag <= 7, "LABO_SMEM_PATH_STATS_LAG: 1 to 7 chunks");

// Row i's gradient sweep (its first grad_chunks chunks; 0: no gradient) fused with the copy of
// the first next_chunks chunks of row i + 1 (`next`) into the slots it frees and with row i + 1's
// pass 1 over them, into this thread's `next_stats` (not yet reduced over the group; `tscale`:
// fixed-T LABO's exponent scale).
template <GradientKind kKind, class Options, class Tr>
__device__ __forceinline__ void write_gradient_and_prefetch(const GradientRule &rule, const SharedRow<Tr> &view,
                                                            const RowTarget<int> &target, typename Tr::Storage *grow,
                                                            bool same_phase, int grad_chunks,
                                                            const SharedRow<Tr> &next, int next_chunks,
                                                            const RowTarget<int> &next_target, float tscale,
                                                            ThreadStats &next_stats) {
    const int n = grad_chunks > next_chunks ? grad_chunks : next_chunks;
    // Chunks full in both rows, with a gradient to store as one vector and a next row to load, and
    // not the target's: all but a few, taken by one straight path without per-element tests.
    const bool both = same_phase && grad_chunks > 0 && next_chunks > 0;
    const int fast_begin = view.geo.full_begin > next.geo.full_begin ? view.geo.full_begin : next.geo.full_begin;
    const int full_end = view.geo.full_end < next.geo.full_end ? view.geo.full_end : next.geo.full_end;
    const unsigned fast_count = both && full_end > fast_begin ? static_cast<unsigned>(full_end - fast_begin) : 0u;
    const int lag_stride = kStatsLag * view.size;
    int c = view.rank;
    for (; c < n; c += view.size) {
        if (static_cast<unsigned>(c - fast_begin) < fast_count && c != target.chunk) {
            float gk[Tr::kVec];
            gradient_chunk<kKind, Tr>(rule, view.chunks[c], view.geo, c, target, gk);
            store_chunk<Tr>(grow, view.geo, c, true, gk);
            async_copy_16(&view.chunks[c], next.row + next.geo.first(c));
        } else {
            if (c < grad_chunks) {
                float gk[Tr::kVec];
                gradient_chunk<kKind, Tr>(rule, view.chunks[c], view.geo, c, target, gk);
                store_chunk<Tr>(grow, view.geo, c, same_phase && view.geo.full(c), gk);
            }
            if (c < next_chunks) start_chunk_load<Tr>(&view.chunks[c], next, c);
        }
        async_copy_commit();
        const int ready = c - lag_stride;  // this thread's chunk kStatsLag copies back
        if (ready >= 0) {
            async_copy_wait_pending<kStatsLag>();
            if (ready < next_chunks) {
                accumulate_stats<Tr, Options>(next_stats, tscale, view.chunks[ready], next.geo, ready, next_target);
            }
        }
    }
    async_copy_wait_all();
    for (int ready = c - lag_stride > view.rank ? c - lag_stride : view.rank; ready < next_chunks; ready += view.size) {
        accumulate_stats<Tr, Options>(next_stats, tscale, view.chunks[ready], next.geo, ready, next_target);
    }
}

// Whether the smem path warms L2 with the next row while the current one is reduced and solved:
// right after a row's pass 1 the block issues one prefetch per 128-byte line of the next row, so
// that its DRAM reads overlap the row's reductions and solve (during the budget rule's sweeps,
// which run from shared memory, DRAM is otherwise idle) and the next sweep's copies find it in L2.
// 0: never, 1: LABO's rows (fixed and budget), 2: every loss. A build-time setting until timed on
// a GPU (bench/gpu/pack-variants.sh); the CUDA emulator's build turns it on for every loss, so that
// the prefetched addresses are checked there.
#ifndef LABO_SMEM_PATH_L2_PREFETCH
#define LABO_SMEM_PATH_L2_PREFETCH 0
#endif
static_assert(LABO_SMEM_PATH_L2_PREFETCH >= 0 && LABO_SMEM_PATH_L2_PREFETCH <= 2, "LABO_SMEM_PATH_L2_PREFETCH: 0, 1 or 2");
template <class Options>
constexpr bool kPrefetchNextRow =
    LABO_SMEM_PATH_L2_PREFETCH == 2 || (LABO_SMEM_PATH_L2_PREFETCH == 1 && Options::tempered);

// One prefetch per 128-byte line of a row, the block's threads taking lines rank, rank + size, ...
// The first line is addressed at the row's first byte, so that no address falls before the row.
template <class Tr>
__device__ __forceinline__ void prefetch_row_l2(const typename Tr::Storage *row, int64_t vocab, int rank, int size) {
    constexpr uintptr_t kLine = 128;
    const uintptr_t begin = reinterpret_cast<uintptr_t>(row);
    const uintptr_t end = begin + static_cast<uintptr_t>(vocab) * sizeof(typename Tr::Storage);
    const uintptr_t step = static_cast<uintptr_t>(size) * kLine;
    for (uintptr_t a = (begin & ~(kLine - 1)) + static_cast<uintptr_t>(rank) * kLine; a < end; a += step) {
        prefetch_l2(reinterpret_cast<const void *>(a < begin ? begin : a));
    }
}

template <class Tr, class Options>
__device__ __forceinline__ void pipelined_smem_rows(const LossKernelParams &p, float scale, float tscale,
                                                    const BlockGroup &g, uint4 *slots) {
    using Storage = typename Tr::Storage;
    const Storage *logits = static_cast<const Storage *>(p.logits);
    Storage *grad = static_cast<Storage *>(p.grad);

    constexpr RowTarget<int> kNoTarget{-1, -1};
    int64_t row = blockIdx.x;
    if (row >= p.rows) return;
    const int64_t y0 = p.targets[row];
    bool ignored = row_is_ignored(p, y0);
    SharedRow<Tr> view(logits + row * p.logits_stride, p.vocab, g.rank, g.size(), slots);
    RowTarget<int> target = ignored ? kNoTarget : row_target(view.geo, y0);
    // The block's first row: loaded, then its own pass 1. Every later row's pass 1 is folded into
    // the sweep before it (`stats`, this thread's part).
    ThreadStats stats = ThreadStats::identity();
    if (!ignored) {
        for (int c = g.rank; c < view.geo.chunks; c += g.size()) start_chunk_load<Tr>(&slots[c], view, c);
        async_copy_wait_all();
        view.pass(
            [&](const uint4 &raw, int c) { accumulate_stats<Tr, Options>(stats, tscale, raw, view.geo, c, target); });
    }

    for (;;) {
        // Row `row` is in shared memory (unless ignored), its pass 1 in `stats`.
        if constexpr (kPrefetchNextRow<Options>) {
            // (next and its target are read again after the solve rather than kept live across it)
            const int64_t ahead = row + gridDim.x;
            if (ahead < p.rows && !row_is_ignored(p, p.targets[ahead])) {
                prefetch_row_l2<Tr>(logits + ahead * p.logits_stride, p.vocab, g.rank, g.size());
            }
        }
        GradientRule rule{};
        if (!ignored) {
            rule = solve_row<Tr, Options>(p, row, target, scale, tscale, g, view, reduce_stats<Options>(g, stats, tscale));
        } else if (g.rank == 0) {
            write_ignored_row_outputs(p, row);
        }

        const int64_t next = row + gridDim.x;
        const bool has_next = next < p.rows;
        const int64_t y_next = has_next ? p.targets[next] : p.ignore_index;
        const bool load_next = has_next && !row_is_ignored(p, y_next);
        const SharedRow<Tr> next_view(logits + (has_next ? next : row) * p.logits_stride, p.vocab, g.rank, g.size(),
                                      slots);
        const RowTarget<int> next_target = load_next ? row_target(next_view.geo, y_next) : kNoTarget;
        Storage *grow = grad != nullptr ? grad + row * p.grad_stride : nullptr;
        const bool same_phase = grow != nullptr && chunk_phase<Tr>(grow) == view.geo.phase;
        const int grad_chunks = grow != nullptr ? view.geo.chunks : 0;
        const int next_chunks = load_next ? next_view.geo.chunks : 0;
        stats = ThreadStats::identity();
        const auto sweep = [&](auto kind) {
            write_gradient_and_prefetch<decltype(kind)::value, Options, Tr>(
                rule, view, target, grow, same_phase, grad_chunks, next_view, next_chunks, next_target, tscale, stats);
        };
        if (ignored) {
            sweep(std::integral_constant<GradientKind, GradientKind::kZero>{});
        } else if (Options::tempered && rule.tempered) {
            // Only LABO's instantiations hold a tempered sweep (if constexpr discards it elsewhere).
            if constexpr (Options::tempered) sweep(std::integral_constant<GradientKind, GradientKind::kTempered>{});
        } else {
            sweep(std::integral_constant<GradientKind, GradientKind::kPlain>{});
        }
        if (!has_next) return;
        row = next;
        ignored = !load_next;
        view = next_view;
        target = next_target;
    }
}

// ---------------------------------------------------------------------------------------------
// Kernels.
// ---------------------------------------------------------------------------------------------

constexpr int kWarpPathThreads = 256;
constexpr int kMaxBlockThreads = 1024;

template <class Tr, class Options, int LANES, int CPT>
__global__ void __launch_bounds__(kWarpPathThreads) label_loss_warp_kernel(const LossKernelParams p) {
    if (call_refused(p)) return;
    const WarpGroup<LANES> g;
    const float scale = gradient_scale(p);
    const float tscale = tempered_exponent_scale(p.beta_fixed);
    const int64_t rows_per_block = kWarpPathThreads / LANES;
    const int64_t slot = threadIdx.x / LANES;
    for (int64_t row = blockIdx.x * rows_per_block + slot; row < p.rows; row += gridDim.x * rows_per_block) {
        const auto *lrow = static_cast<const typename Tr::Storage *>(p.logits) + row * p.logits_stride;
        RegisterRow<Tr, LANES, CPT> view(lrow, p.vocab, g.rank);
        process_row<Tr, Options>(p, row, scale, tscale, g, view);
    }
}

// Block shape of the smem path. The chunk arithmetic is what limits these kernels, so the
// multiprocessor wants as many warps as it holds (64 registers a thread): fp32 rows, whose shared
// memory lets one block fit at the headline sizes, take 1024 threads; 16-bit rows, half as large,
// take two blocks of 512 (the largest blocks; choose_path halves them where shared memory holds
// more rows than that). Measured on an H200 (bench/results/gpu-2026-11-27-h200/compare_builds.md).
// Build-time settings for tuning experiments (bench/gpu/pack-variants.sh, compare_builds.py).
#ifndef LABO_SMEM_PATH_THREADS_32BIT
#define LABO_SMEM_PATH_THREADS_32BIT 1024
#endif
#ifndef LABO_SMEM_PATH_MIN_BLOCKS_32BIT
#define LABO_SMEM_PATH_MIN_BLOCKS_32BIT 1
#endif
#ifndef LABO_SMEM_PATH_THREADS_16BIT
#define LABO_SMEM_PATH_THREADS_16BIT 512
#endif
#ifndef LABO_SMEM_PATH_MIN_BLOCKS_16BIT
#define LABO_SMEM_PATH_MIN_BLOCKS_16BIT 2
#endif
// Whether choose_path's halved blocks then grow back, in whole warps, to fill the register budget
// for the rows that shared memory holds: bf16 at V = 32000 would run 3 blocks of 320 threads (30
// warps a multiprocessor) instead of 3 of 256 (24), fp32 at V = 8192 6 of 160 instead of 6 of 128.
// Off until timed on a GPU (bench/gpu/pack-variants.sh); the CUDA emulator's build turns it on, so
// that blocks whose size is not a power of two are checked there.
#ifndef LABO_SMEM_PATH_FILL_WARPS
#define LABO_SMEM_PATH_FILL_WARPS 0
#endif
constexpr int smem_path_max_threads(int vec) { return vec == 4 ? LABO_SMEM_PATH_THREADS_32BIT : LABO_SMEM_PATH_THREADS_16BIT; }
constexpr int smem_path_min_blocks(int vec) { return vec == 4 ? LABO_SMEM_PATH_MIN_BLOCKS_32BIT : LABO_SMEM_PATH_MIN_BLOCKS_16BIT; }

template <class Tr, class Options>
__global__ void __launch_bounds__(smem_path_max_threads(Tr::kVec), smem_path_min_blocks(Tr::kVec))
    label_loss_block_smem_kernel(const LossKernelParams p) {
    if (call_refused(p)) return;
#ifdef LABO_SMEM_PATH_STAGGER_NS
    // Tuning experiment: the second half of the grid starts late, so that two blocks sharing a
    // multiprocessor reach their per-row pauses (reduction, solve) at different times.
    if (blockIdx.x >= gridDim.x / 2) __nanosleep(LABO_SMEM_PATH_STAGGER_NS);
#endif
    extern __shared__ __align__(16) unsigned char dynamic_smem[];
    const BlockGroup g(dynamic_smem);
    uint4 *slots = reinterpret_cast<uint4 *>(dynamic_smem + kReduceScratchBytes);
    const float scale = gradient_scale(p);
    const float tscale = tempered_exponent_scale(p.beta_fixed);
    pipelined_smem_rows<Tr, Options>(p, scale, tscale, g, slots);
}

template <class Tr, class Options>
__global__ void __launch_bounds__(kMaxBlockThreads) label_loss_block_stream_kernel(const LossKernelParams p) {
    if (call_refused(p)) return;
    extern __shared__ __align__(16) unsigned char dynamic_smem[];
    const BlockGroup g(dynamic_smem);
    const float scale = gradient_scale(p);
    const float tscale = tempered_exponent_scale(p.beta_fixed);
    for (int64_t row = blockIdx.x; row < p.rows; row += gridDim.x) {
        const auto *lrow = static_cast<const typename Tr::Storage *>(p.logits) + row * p.logits_stride;
        GlobalRow<Tr> view(lrow, p.vocab, g.rank, g.size());
        process_row<Tr, Options>(p, row, scale, tscale, g, view);
    }
}

// ---------------------------------------------------------------------------------------------
// Path selection and launch.
// ---------------------------------------------------------------------------------------------

enum class PathKind { kWarp, kBlockShared, kBlockStream };

struct Path {
    PathKind kind = PathKind::kWarp;
    int lanes = 32;         // warp path
    int chunks_per_lane = 1;  // warp path
    int threads = kWarpPathThreads;
    size_t smem = 0;
};

constexpr int kWarpPathMaxChunksPerLane = 8;
// Shared memory the driver reserves per resident block (sm_80 and later), on top of the kernel's.
constexpr int64_t kDriverSharedMemoryPerBlock = 1024;

int pow2_ceil(int64_t v) {
    int r = 1;
    while (r < v && r < (1 << 30)) r <<= 1;
    return r;
}

labo_status choose_path(int vec, int64_t vocab, int device, Path *path) {
    // Chunks of a row for the worst phase (vec - 1).
    const int64_t max_chunks = (vocab + 2 * vec - 2) / vec;
    if (max_chunks <= static_cast<int64_t>(kWarpSize) * kWarpPathMaxChunksPerLane) {
        path->kind = PathKind::kWarp;
        path->threads = kWarpPathThreads;
        path->smem = 0;
        if (max_chunks <= kWarpSize) {
            path->lanes = max_chunks <= 4 ? 4 : max_chunks <= 8 ? 8 : max_chunks <= 16 ? 16 : 32;
            path->chunks_per_lane = 1;
        } else {
            path->lanes = kWarpSize;
            path->chunks_per_lane = max_chunks <= 2 * kWarpSize ? 2 : max_chunks <= 4 * kWarpSize ? 4 : 8;
        }
        return LABO_STATUS_OK;
    }
    int optin = 0;
    const cudaError_t error = cudaDeviceGetAttribute(&optin, cudaDevAttrMaxSharedMemoryPerBlockOptin, device);
    if (error != cudaSuccess) return report_cuda_error(error, "cudaDeviceGetAttribute(MaxSharedMemoryPerBlockOptin)");
    const int64_t smem = kReduceScratchBytes + max_chunks * 16;
    if (smem <= optin) {
        path->kind = PathKind::kBlockShared;
        // About 8 chunks per thread, from 128 threads up to the dtype's block size.
        const int64_t want = pow2_ceil((max_chunks + 7) / 8);
        const int most = smem_path_max_threads(vec);
        int threads = static_cast<int>(want < 128 ? 128 : want > most ? most : want);
        // Where shared memory holds more rows than the register budget (the launch bounds' threads
        // per multiprocessor) has room for in blocks of this size, halve the blocks: more rows
        // resident at once, so that one block's pause between its rows (the last chunks' latency,
        // the reduction, the solve) is covered by more others. bf16 at V = 32000 on an H200: 3 blocks
        // of 256 instead of 2 of 512, LS 1.40x -> 1.27x the copy (bench/results/gpu-2026-11-27-h200-6f0e246).
        int per_sm = 0;
        const cudaError_t sm_error = cudaDeviceGetAttribute(&per_sm, cudaDevAttrMaxSharedMemoryPerMultiprocessor, device);
        if (sm_error != cudaSuccess) {
            return report_cuda_error(sm_error, "cudaDeviceGetAttribute(MaxSharedMemoryPerMultiprocessor)");
        }
        const int64_t rows_per_sm = per_sm / (smem + kDriverSharedMemoryPerBlock);
        const int64_t thread_budget = static_cast<int64_t>(most) * smem_path_min_blocks(vec);
        while (threads > 128 && rows_per_sm * threads > thread_budget) threads /= 2;
        if (LABO_SMEM_PATH_FILL_WARPS && rows_per_sm > 0) {
            const int64_t fill = thread_budget / rows_per_sm / kWarpSize * kWarpSize;
            const int64_t cap = want > most ? most : want;
            if (fill > threads) threads = static_cast<int>(fill < cap ? fill : cap);
        }
        path->threads = threads;
        path->smem = static_cast<size_t>(smem);
    } else {
        path->kind = PathKind::kBlockStream;
        path->threads = kMaxBlockThreads;
        path->smem = kReduceScratchBytes;
    }
    return LABO_STATUS_OK;
}

unsigned grid_for(int64_t groups) {
    return static_cast<unsigned>(groups < 1 ? 1 : groups > INT_MAX ? INT_MAX : groups);
}

template <class Tr, class Options, int LANES, int CPT>
labo_status launch_warp(const LossKernelParams &p, cudaStream_t stream) {
    const int64_t rows_per_block = kWarpPathThreads / LANES;
    const unsigned grid = grid_for((p.rows + rows_per_block - 1) / rows_per_block);
    label_loss_warp_kernel<Tr, Options, LANES, CPT><<<grid, kWarpPathThreads, 0, stream>>>(p);
    return check_launch("label_loss_warp_kernel launch");
}

template <class Tr, class Options>
labo_status launch_path(const LossKernelParams &p, const Path &path, int device, cudaStream_t stream) {
    switch (path.kind) {
        case PathKind::kWarp:
            if (path.lanes == 4) return launch_warp<Tr, Options, 4, 1>(p, stream);
            if (path.lanes == 8) return launch_warp<Tr, Options, 8, 1>(p, stream);
            if (path.lanes == 16) return launch_warp<Tr, Options, 16, 1>(p, stream);
            if (path.chunks_per_lane == 1) return launch_warp<Tr, Options, 32, 1>(p, stream);
            if (path.chunks_per_lane == 2) return launch_warp<Tr, Options, 32, 2>(p, stream);
            if (path.chunks_per_lane == 4) return launch_warp<Tr, Options, 32, 4>(p, stream);
            return launch_warp<Tr, Options, 32, 8>(p, stream);
        case PathKind::kBlockShared: {
            if (path.smem > 48 * 1024) {
                const cudaError_t error =
                    cudaFuncSetAttribute(label_loss_block_smem_kernel<Tr, Options>, cudaFuncAttributeMaxDynamicSharedMemorySize,
                                         static_cast<int>(path.smem));
                if (error != cudaSuccess) {
                    return report_cuda_error(error, "cudaFuncSetAttribute(MaxDynamicSharedMemorySize)");
                }
            }
            // Persistent blocks: as many as are resident at once, each looping over its rows.
            int per_sm = 0;
            int sms = 0;
            cudaError_t error = cudaOccupancyMaxActiveBlocksPerMultiprocessor(&per_sm, label_loss_block_smem_kernel<Tr, Options>,
                                                                              path.threads, path.smem);
            if (error != cudaSuccess) return report_cuda_error(error, "cudaOccupancyMaxActiveBlocksPerMultiprocessor");
            error = cudaDeviceGetAttribute(&sms, cudaDevAttrMultiProcessorCount, device);
            if (error != cudaSuccess) return report_cuda_error(error, "cudaDeviceGetAttribute(MultiProcessorCount)");
            const int64_t resident = static_cast<int64_t>(per_sm < 1 ? 1 : per_sm) * (sms < 1 ? 1 : sms);
            const unsigned grid = grid_for(p.rows < resident ? p.rows : resident);
            label_loss_block_smem_kernel<Tr, Options><<<grid, path.threads, path.smem, stream>>>(p);
            return check_launch("label_loss_block_smem_kernel launch");
        }
        case PathKind::kBlockStream:
            label_loss_block_stream_kernel<Tr, Options><<<grid_for(p.rows), path.threads, path.smem, stream>>>(p);
            return check_launch("label_loss_block_stream_kernel launch");
    }
    return set_error(LABO_STATUS_INTERNAL, "label_loss: unknown kernel path");
}

// The kernels of the call's loss, on the path its row length takes.
template <class Tr>
labo_status launch_typed(const LossKernelParams &p, int device, cudaStream_t stream) {
    Path path;
    const labo_status status = choose_path(Tr::kVec, p.vocab, device, &path);
    if (status != LABO_STATUS_OK) return status;
    if (p.smoothing == LABO_SMOOTHING_NONE) return launch_path<Tr, CrossEntropyLoss>(p, path, device, stream);
    if (p.smoothing == LABO_SMOOTHING_UNIFORM) return launch_path<Tr, UniformLoss>(p, path, device, stream);
    if (p.temperature_rule == LABO_TEMPERATURE_FIXED) return launch_path<Tr, TemperedFixedLoss>(p, path, device, stream);
    return launch_path<Tr, TemperedBudgetLoss>(p, path, device, stream);
}

int vec_of(labo_dtype dtype) { return dtype == LABO_DTYPE_FLOAT32 ? Float32Traits::kVec : BFloat16Traits::kVec; }

}  // namespace

labo_status launch_label_loss(const LossKernelParams &params, labo_dtype dtype, int device, cudaStream_t stream) {
    if (params.rows <= 0) return LABO_STATUS_OK;
    switch (dtype) {
        case LABO_DTYPE_FLOAT32:
            return launch_typed<Float32Traits>(params, device, stream);
        case LABO_DTYPE_BFLOAT16:
            return launch_typed<BFloat16Traits>(params, device, stream);
        case LABO_DTYPE_FLOAT16:
            return launch_typed<Float16Traits>(params, device, stream);
    }
    return set_error(LABO_STATUS_UNSUPPORTED, "dtype %d is not supported by the CUDA backend", static_cast<int>(dtype));
}

int label_loss_block_threads(labo_dtype dtype, int64_t vocab, int device) {
    Path path;
    return choose_path(vec_of(dtype), vocab, device, &path) == LABO_STATUS_OK ? path.threads : 0;
}

const char *label_loss_path(labo_dtype dtype, int64_t vocab, int device) {
    Path path;
    if (choose_path(vec_of(dtype), vocab, device, &path) != LABO_STATUS_OK) return "unknown";
    switch (path.kind) {
        case PathKind::kWarp: {
            static const char *const names[] = {"warp4x1", "warp8x1", "warp16x1", "warp32x1",
                                                "warp32x2", "warp32x4", "warp32x8"};
            if (path.lanes == 4) return names[0];
            if (path.lanes == 8) return names[1];
            if (path.lanes == 16) return names[2];
            return path.chunks_per_lane == 1 ? names[3]
                   : path.chunks_per_lane == 2 ? names[4]
                   : path.chunks_per_lane == 4 ? names[5]
                                               : names[6];
        }
        case PathKind::kBlockShared:
            return "block-smem";
        case PathKind::kBlockStream:
            return "block-stream";
    }
    return "unknown";
}

}  // namespace cuda
}  // namespace labo
