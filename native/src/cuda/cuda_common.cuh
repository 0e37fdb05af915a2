// Shared pieces of the CUDA backend: host-side error and device helpers, the dtype traits with
// 16-byte vector load/store, and warp/block all-reductions of small statistic structs.
#ifndef LABO_SRC_CUDA_CUDA_COMMON_CUH_
#define LABO_SRC_CUDA_CUDA_COMMON_CUH_

#include <cuda_runtime.h>
#include <cuda_bf16.h>
#include <cuda_fp16.h>

#include <cstdint>

#include "../loss_problem.h"

namespace labo {
namespace cuda {

// ---------------------------------------------------------------------------------------------
// Host helpers
// ---------------------------------------------------------------------------------------------

// Reports a failed CUDA runtime call as LABO_STATUS_CUDA_ERROR (or NO_CUDA_DEVICE when the
// runtime says there is no driver or device) and clears the runtime's non-sticky error.
labo_status report_cuda_error(cudaError_t error, const char *what);

// Checks the last launch (cudaGetLastError); returns OK or reports the error with `what`.
labo_status check_launch(const char *what);

// Switches to `device` for the lifetime of the object and restores the previous device after.
class DeviceGuard {
public:
    DeviceGuard() = default;
    DeviceGuard(const DeviceGuard &) = delete;
    DeviceGuard &operator=(const DeviceGuard &) = delete;
    ~DeviceGuard();
    // Returns OK, NO_CUDA_DEVICE (no driver, no device), INVALID_ARGUMENT (device out of range)
    // or CUDA_ERROR, with the message set.
    labo_status enter(int device);

private:
    int previous_ = -1;
    bool switched_ = false;
};

// Checks that `ptr` is memory the device `device` can use in a kernel: device memory of that
// device or managed memory. Reports INVALID_ARGUMENT naming `name` otherwise.
labo_status check_device_pointer(const void *ptr, const char *name, int device);

constexpr int kWarpSize = 32;
constexpr unsigned kFullMask = 0xffffffffu;

// ---------------------------------------------------------------------------------------------
// Data types. Elements are handled as raw storage (float or 16-bit patterns) and converted to
// float for arithmetic. A "chunk" is 16 bytes: kVec elements, loaded and stored as one uint4.
// ---------------------------------------------------------------------------------------------

struct Float32Traits {
    using Storage = float;
    static constexpr int kVec = 4;
    __device__ __forceinline__ static float to_float(Storage v) { return v; }
    __device__ __forceinline__ static Storage from_float(float v) { return v; }
    __device__ __forceinline__ static void unpack(const uint4 &raw, float (&z)[kVec]) {
        z[0] = __uint_as_float(raw.x);
        z[1] = __uint_as_float(raw.y);
        z[2] = __uint_as_float(raw.z);
        z[3] = __uint_as_float(raw.w);
    }
    __device__ __forceinline__ static uint4 pack(const float (&g)[kVec]) {
        return make_uint4(__float_as_uint(g[0]), __float_as_uint(g[1]), __float_as_uint(g[2]),
                          __float_as_uint(g[3]));
    }
};

// Shared by the two 16-bit types: element 2j is the low half of 32-bit word j (little endian).
template <class Derived>
struct Half16TraitsBase {
    using Storage = unsigned short;
    static constexpr int kVec = 8;
    __device__ __forceinline__ static void unpack_word(unsigned w, float &lo, float &hi) {
        lo = Derived::to_float(static_cast<Storage>(w & 0xffffu));
        hi = Derived::to_float(static_cast<Storage>(w >> 16));
    }
    __device__ __forceinline__ static unsigned pack_word(float lo, float hi) {
        return static_cast<unsigned>(Derived::from_float(lo)) |
               (static_cast<unsigned>(Derived::from_float(hi)) << 16);
    }
    __device__ __forceinline__ static void unpack(const uint4 &raw, float (&z)[kVec]) {
        unpack_word(raw.x, z[0], z[1]);
        unpack_word(raw.y, z[2], z[3]);
        unpack_word(raw.z, z[4], z[5]);
        unpack_word(raw.w, z[6], z[7]);
    }
    __device__ __forceinline__ static uint4 pack(const float (&g)[kVec]) {
        return make_uint4(pack_word(g[0], g[1]), pack_word(g[2], g[3]), pack_word(g[4], g[5]),
                          pack_word(g[6], g[7]));
    }
};

struct BFloat16Traits : Half16TraitsBase<BFloat16Traits> {
    __device__ __forceinline__ static float to_float(Storage v) {
        return __uint_as_float(static_cast<unsigned>(v) << 16);
    }
    __device__ __forceinline__ static Storage from_float(float v) {
        return __bfloat16_as_ushort(__float2bfloat16_rn(v));
    }
};

struct Float16Traits : Half16TraitsBase<Float16Traits> {
    __device__ __forceinline__ static float to_float(Storage v) {
        return __half2float(__ushort_as_half(v));
    }
    __device__ __forceinline__ static Storage from_float(float v) {
        return __half_as_ushort(__float2half_rn(v));
    }
};

// Element offset of `ptr` inside its 16-byte segment: row element k sits in chunk
// (k + phase) / kVec of the aligned segment grid. `ptr` is aligned to sizeof(Storage).
template <class Tr>
__device__ __forceinline__ int chunk_phase(const void *ptr) {
    return static_cast<int>((reinterpret_cast<uintptr_t>(ptr) & 15u) / sizeof(typename Tr::Storage));
}

// Chunk layout of one row of `vocab` elements whose first element has phase `phase`:
// chunk c holds elements k0(c) .. k0(c)+kVec-1 (those inside [0, vocab)), k0(c) = c*kVec - phase.
// Only the first and the last chunk can be partial. Index is the type of chunk and element
// indices inside the row: int where the row is short by construction (the register and
// shared-memory paths, whose per-chunk index arithmetic then stays 32-bit), int64_t on the
// streaming path, whose rows may pass 2^31 elements.
template <class Tr, class Index>
struct RowGeometry {
    using index_type = Index;
    static constexpr int kVec = Tr::kVec;
    Index vocab;
    int phase;
    Index chunks;
    Index full_begin;  // chunks [full_begin, full_end) lie wholly inside the row
    Index full_end;

    __device__ __forceinline__ RowGeometry(const void *row, Index v)
        : vocab(v),
          phase(chunk_phase<Tr>(row)),
          chunks((v + phase + kVec - 1) / kVec),
          full_begin(phase > 0 ? 1 : 0),
          full_end((v + phase) / kVec) {}
    __device__ __forceinline__ Index first(Index c) const { return c * kVec - phase; }
    __device__ __forceinline__ bool full(Index c) const { return c >= full_begin && c < full_end; }
    __device__ __forceinline__ bool inside(Index k) const { return k >= 0 && k < vocab; }
    // The chunk that holds row element k (0 <= k < vocab).
    __device__ __forceinline__ Index chunk_of(Index k) const { return (k + phase) / kVec; }
};

// A row's target y and the chunk that holds it, in the row's index type ({-1, -1}: no target).
template <class Index>
struct RowTarget {
    Index y;
    Index chunk;
};

// The target of a row laid out like `geo`; y is a valid target (0 <= y < vocab).
template <class Geo>
__device__ __forceinline__ RowTarget<typename Geo::index_type> row_target(const Geo &geo, int64_t y) {
    using Index = typename Geo::index_type;
    return {static_cast<Index>(y), geo.chunk_of(static_cast<Index>(y))};
}

// The elements of chunk c as 32-bit slot indices, so that the per-element tests are cheap:
// slots [lo, hi) are inside the row, slot `target` holds element y (-1: none).
struct ChunkSlots {
    int lo;
    int hi;
    int target;

    template <class Geo, class Index>
    __device__ __forceinline__ ChunkSlots(const Geo &geo, Index c, const RowTarget<Index> &t) {
        constexpr int kVec = Geo::kVec;
        const Index k0 = geo.first(c);
        lo = k0 < 0 ? static_cast<int>(-k0) : 0;  // -k0 <= phase < kVec
        const Index left = geo.vocab - k0;
        hi = left < kVec ? static_cast<int>(left) : kVec;
        target = c == t.chunk ? static_cast<int>(t.y - k0) : -1;
    }
    __device__ __forceinline__ bool valid(int i) const { return i >= lo && i < hi; }
};

// A chunk whose elements are all inside the row and none of which is the target: every chunk of
// a row but one or two, taken without per-element tests.
template <class Geo, class Index>
__device__ __forceinline__ bool plain_chunk(const Geo &geo, Index c, const RowTarget<Index> &target) {
    return geo.full(c) && c != target.chunk;
}

// Infinity and NaN from their bit patterns.
__device__ __forceinline__ float f_inf() { return __int_as_float(0x7f800000); }
__device__ __forceinline__ float f_nan() { return __int_as_float(0x7fffffff); }
__device__ __forceinline__ double d_inf() { return __longlong_as_double(0x7ff0000000000000LL); }

// 2^x and e^x for the per-element sums and the gradient: ex2.approx (about 2 ulp, denormal
// results flushed to 0), arguments <= 0 and of moderate size by construction (max-subtracted).
// The .ftz form is one MUFU.EX2; without .ftz (exp2f, __expf) each exponential is wrapped in a
// denormal fix-up (compare, two predicated multiplies), about 3 more instructions per element in
// kernels bound by the instructions they issue. LABO_FAST_EXP_DENORMALS builds that form, for
// comparison. The per-element loops call fast_exp2 with log2(e) folded into their row constants,
// so that one FFMA forms the argument.
constexpr float kLog2e = 1.4426950408889634f;
constexpr float kLn2 = 0.6931471805599453f;

__device__ __forceinline__ float fast_exp2(float x) {
#if defined(__CUDA_ARCH__) && !defined(LABO_FAST_EXP_DENORMALS)
    float y;
    asm("ex2.approx.ftz.f32 %0, %1;" : "=f"(y) : "f"(x));
    return y;
#elif defined(__CUDA_ARCH__)
    return exp2f(x);
#else
    return __expf(x * kLn2);  // the host compile of the CUDA emulator, whose __expf models ex2.approx
#endif
}

__device__ __forceinline__ float fast_exp(float x) { return fast_exp2(x * kLog2e); }

// log2(x) for the gradient's per-row constants (log2 of a sum of exponentials, >= 1): lg2.approx,
// within 2 ulp of the result (2^-22 absolute in [0.5, 2]), one MUFU.LG2 where log2f is a polynomial
// of about 25 instructions that every thread of a group runs for every row.
__device__ __forceinline__ float fast_log2(float x) {
#if defined(__CUDA_ARCH__)
    float y;
    asm("lg2.approx.ftz.f32 %0, %1;" : "=f"(y) : "f"(x));
    return y;
#else
    return __log2f(x);  // the host compile of the CUDA emulator, whose __log2f models lg2.approx
#endif
}

// Loads chunk c of a row: one 16-byte load when the chunk is full, element loads otherwise
// (elements outside the row read as 0 and are never dereferenced).
template <class Tr, class Index>
__device__ __forceinline__ uint4 load_chunk(const typename Tr::Storage *row, const RowGeometry<Tr, Index> &geo,
                                            Index c) {
    using Storage = typename Tr::Storage;
    const Index k0 = geo.first(c);
    if (geo.full(c)) {
        return *reinterpret_cast<const uint4 *>(row + k0);
    }
    union {
        uint4 raw;
        Storage e[Tr::kVec];
    } u;
    u.raw = make_uint4(0u, 0u, 0u, 0u);
#pragma unroll
    for (int i = 0; i < Tr::kVec; ++i) {
        if (geo.inside(k0 + i)) u.e[i] = row[k0 + i];
    }
    return u.raw;
}

// Stores the kVec values of chunk c of a gradient row laid out like `geo` (row elements only).
// `vector_ok`: the chunk is full and the destination row has the same phase as the source row.
template <class Tr, class Index>
__device__ __forceinline__ void store_chunk(typename Tr::Storage *row, const RowGeometry<Tr, Index> &geo, Index c,
                                            bool vector_ok, const float (&g)[Tr::kVec]) {
    const Index k0 = geo.first(c);
    if (vector_ok) {
        *reinterpret_cast<uint4 *>(row + k0) = Tr::pack(g);
        return;
    }
#pragma unroll
    for (int i = 0; i < Tr::kVec; ++i) {
        if (geo.inside(k0 + i)) row[k0 + i] = Tr::from_float(g[i]);
    }
}

// Asynchronous 16-byte copy from global to shared memory (cp.async, sm_80+): the data travels
// without passing through registers, so a thread can have a whole row's chunks in flight. A
// thread's copies become visible to that thread when it waits for them: async_copy_wait_all(), or
// async_copy_wait_pending<N>() for the groups (async_copy_commit()) older than its newest N. In the
// CUDA emulator's host compile the copies are queued per thread and made at the wait, as late as
// the hardware may make them, so that a missing or too weak wait reads stale data there too.
__device__ __forceinline__ void async_copy_16(uint4 *shared_dst, const void *global_src) {
#if defined(__CUDA_ARCH__) && __CUDA_ARCH__ >= 800
    const unsigned dst = static_cast<unsigned>(__cvta_generic_to_shared(shared_dst));
    asm volatile("cp.async.cg.shared.global [%0], [%1], 16;\n" ::"r"(dst), "l"(global_src) : "memory");
#elif defined(LABO_CUDA_EMULATOR)
    ::emu::async_copy_16(shared_dst, global_src);
#else
    *shared_dst = *static_cast<const uint4 *>(global_src);
#endif
}

// Closes the group of this thread's copies issued since the last commit (an empty group is fine).
__device__ __forceinline__ void async_copy_commit() {
#if defined(__CUDA_ARCH__) && __CUDA_ARCH__ >= 800
    asm volatile("cp.async.commit_group;\n" ::: "memory");
#elif defined(LABO_CUDA_EMULATOR)
    ::emu::async_copy_commit();
#endif
}

// A hint that the 128-byte line holding p is about to be read: the line is fetched into L2, no
// register is written and nothing waits for it. The CUDA emulator checks the address only.
__device__ __forceinline__ void prefetch_l2(const void *p) {
#if defined(__CUDA_ARCH__)
    asm volatile("prefetch.L2 [%0];\n" ::"l"(p));
#elif defined(LABO_CUDA_EMULATOR)
    ::emu::prefetch_l2(p);
#else
    (void)p;
#endif
}

// Waits until at most N of this thread's committed groups are still in flight.
template <int N>
__device__ __forceinline__ void async_copy_wait_pending() {
#if defined(__CUDA_ARCH__) && __CUDA_ARCH__ >= 800
    asm volatile("cp.async.wait_group %0;\n" ::"n"(N) : "memory");
#elif defined(LABO_CUDA_EMULATOR)
    ::emu::async_copy_wait_group(N);
#endif
}

// Waits for all of this thread's copies, committed or not.
__device__ __forceinline__ void async_copy_wait_all() {
#if defined(__CUDA_ARCH__) && __CUDA_ARCH__ >= 800
    asm volatile("cp.async.wait_all;\n" ::: "memory");
#elif defined(LABO_CUDA_EMULATOR)
    ::emu::async_copy_wait_all();
#endif
}

// ---------------------------------------------------------------------------------------------
// Reductions. A statistic type T provides identity(), shfl_xor / shfl (member-wise warp shuffles)
// and either combine(a, b) (commutative, evaluated without contraction; allreduce) or, for sums
// kept about a running maximum, running_max(), about(max) and add(a, b) (allreduce_about_max); a
// type whose identity depends on the call passes it to the reduction. Every all-reduction ends
// with a broadcast from one lane so that all threads of a group hold bit-identical results: the
// row algorithm branches on them (Newton loop) and must stay group-uniform.
// ---------------------------------------------------------------------------------------------

// A butterfly over the warp's lanes in `mask` (kLanes of them, aligned): every lane ends with the
// combination of all, the same bits in each (combine is commutative).
template <int kLanes, class T>
__device__ __forceinline__ T butterfly(T v, unsigned mask) {
#pragma unroll
    for (int offset = kLanes / 2; offset > 0; offset >>= 1) v = T::combine(v, v.shfl_xor(mask, offset));
    return v;
}

// The butterfly for sums kept about a running maximum (pass 1's online softmax): the maximum first,
// one shuffle and one max a step; then every lane moves its sums to it, one exponential, and the
// sums are added, a shuffle and an add a step for each. Combining sides about different maxima at
// every step instead rescales both at every step: two exponentials and their dependent chain a
// step, in every thread of the group, for every row.
template <int kLanes, class T>
__device__ __forceinline__ T butterfly_about_max(T v, unsigned mask) {
    float max = v.running_max();
#pragma unroll
    for (int offset = kLanes / 2; offset > 0; offset >>= 1) max = fmaxf(max, __shfl_xor_sync(mask, max, offset));
    v = v.about(max);
#pragma unroll
    for (int offset = kLanes / 2; offset > 0; offset >>= 1) v = T::add(v, v.shfl_xor(mask, offset));
    return v;
}

// A group of LANES consecutive lanes of one warp (LANES = 4 .. 32) sharing one row.
template <int LANES>
struct WarpGroup {
    static_assert(LANES >= 2 && LANES <= kWarpSize && (LANES & (LANES - 1)) == 0, "LANES: power of 2 <= 32");
    unsigned mask;
    int rank;      // 0 .. LANES-1
    int base_lane; // first lane of the group in its warp

    __device__ __forceinline__ WarpGroup() {
        const int lane = static_cast<int>(threadIdx.x) & (kWarpSize - 1);
        rank = lane & (LANES - 1);
        base_lane = lane - rank;
        mask = (LANES == kWarpSize) ? kFullMask : (((1u << LANES) - 1u) << base_lane);
    }
    __device__ __forceinline__ int size() const { return LANES; }

    template <class T>
    __device__ __forceinline__ T allreduce(T v) const {
        return butterfly<LANES>(v, mask).shfl(mask, base_lane);
    }
    // (every lane of the group holds a value: the identity is not needed)
    template <class T>
    __device__ __forceinline__ T allreduce_about_max(T v, const T & /*identity*/ = T::identity()) const {
        return butterfly_about_max<LANES>(v, mask).shfl(mask, base_lane);
    }

    // f() on every lane: the group is part of one warp, whose lanes compute in lockstep at the cost
    // of one (see BlockGroup::solo).
    template <class F>
    __device__ __forceinline__ auto solo(F &&f) const {
        return f();
    }

    // f(the group's reduction of v), on every lane (see BlockGroup::reduce_solo).
    template <class T, class F>
    __device__ __forceinline__ auto reduce_solo(const T &v, F &&f) const {
        return f(allreduce(v));
    }
};

// All threads of a block share one row. `scratch` holds one T (up to 64 bytes: fixed-T LABO's
// pass-1 statistics) per warp, then the result of allreduce, then that of solo and reduce_solo
// (kReduceScratchBytes in all, a multiple of 16 so that what follows is aligned).
constexpr int kReducePartialBytes = 32 * 64;
constexpr int kAllreduceBytes = 64;
constexpr int kSoloBytes = 64;
constexpr int kReduceScratchBytes = kReducePartialBytes + kAllreduceBytes + kSoloBytes;

struct BlockGroup {
    int rank;
    int threads;
    void *scratch;

    __device__ __forceinline__ explicit BlockGroup(void *s)
        : rank(static_cast<int>(threadIdx.x)), threads(static_cast<int>(blockDim.x)), scratch(s) {}
    __device__ __forceinline__ int size() const { return threads; }

    // blockDim.x is a multiple of 32 and at most 1024. Two barriers: the first publishes the
    // per-warp partials, the second warp 0's reduction of them, which every thread then reads from
    // its own slot: the other warps do not repeat the reduction of the partials. The slot is only
    // written again by a later allreduce after its first barrier, which every thread reaches after
    // reading it; solo and reduce_solo have a slot of their own.
    template <class T>
    __device__ __forceinline__ T allreduce(T v) const {
        return allreduce_by(v, T::identity(), [](const T &x) { return butterfly<kWarpSize>(x, kFullMask); });
    }
    template <class T>
    __device__ __forceinline__ T allreduce_about_max(T v, const T &identity = T::identity()) const {
        return allreduce_by(v, identity, [](const T &x) { return butterfly_about_max<kWarpSize>(x, kFullMask); });
    }

    // f() in warp 0 only, its result handed to every thread. For scalar work that every thread would
    // otherwise repeat, such as the budget solve's fp64 steps: the 32 warps of a 1024-thread block
    // repeating one take 32 times the issue slots of one warp, on fp64 units that run at half the
    // fp32 rate on sm_80/sm_90 (and at 1/64 on most other parts). f must not use the group's
    // barriers. Two barriers: the first publishes the result, the second keeps the next solo from
    // overwriting it before every warp has read it.
    template <class F>
    __device__ __forceinline__ auto solo(F &&f) const {
        using T = decltype(f());
        static_assert(sizeof(T) <= kSoloBytes, "solo result too large for the scratch");
        T *slot = reinterpret_cast<T *>(static_cast<unsigned char *>(scratch) + kSoloOffset);
        if (rank < kWarpSize) {
            const T v = f();
            if (rank == 0) *slot = v;
        }
        __syncthreads();
        const T v = *slot;
        __syncthreads();
        return v;
    }

    // f(the group's reduction of v) in warp 0 only, its result handed to every thread: an allreduce
    // followed by a solo in two barriers instead of four. The first publishes the per-warp partials,
    // the second warp 0's result. No barrier follows: the result slot is free again once every
    // thread has passed the next barrier, so the next call that writes it (another reduce_solo,
    // after its first barrier) is safe, and so is an allreduce; a solo, which writes before its
    // first barrier, must not come next without one in between.
    template <class T, class F>
    __device__ __forceinline__ auto reduce_solo(const T &v, F &&f) const {
        using R = decltype(f(v));
        static_assert(sizeof(R) <= kSoloBytes, "solo result too large for the scratch");
        R *slot = reinterpret_cast<R *>(static_cast<unsigned char *>(scratch) + kSoloOffset);
        const auto warp_reduce = [](const T &x) { return butterfly<kWarpSize>(x, kFullMask); };
        publish_warp_partial(v, warp_reduce);
        __syncthreads();
        if (rank < kWarpSize) {
            const R r = f(reduce_warp_partials(T::identity(), warp_reduce));
            if (rank == 0) *slot = r;
        }
        __syncthreads();
        return *slot;
    }

private:
    static constexpr int kAllreduceOffset = kReducePartialBytes;
    static constexpr int kSoloOffset = kReducePartialBytes + kAllreduceBytes;

    // allreduce with `warp_reduce` (a butterfly over a whole warp) for both stages.
    template <class T, class WarpReduce>
    __device__ __forceinline__ T allreduce_by(const T &v, const T &identity, WarpReduce &&warp_reduce) const {
        static_assert(sizeof(T) <= kAllreduceBytes, "statistic too large for the scratch");
        T *slot = reinterpret_cast<T *>(static_cast<unsigned char *>(scratch) + kAllreduceOffset);
        publish_warp_partial(v, warp_reduce);
        __syncthreads();
        if (rank < kWarpSize) {
            const T w = reduce_warp_partials(identity, warp_reduce);
            if (rank == 0) *slot = w;
        }
        __syncthreads();
        return *slot;
    }

    // Each warp's reduction of v into the scratch (lane 0 writes).
    template <class T, class WarpReduce>
    __device__ __forceinline__ void publish_warp_partial(const T &v, WarpReduce &&warp_reduce) const {
        static_assert(sizeof(T) <= kReducePartialBytes / 32, "statistic too large for the scratch");
        const T w = warp_reduce(v);
        if ((rank & (kWarpSize - 1)) == 0) static_cast<T *>(scratch)[rank / kWarpSize] = w;
    }

    // After the barrier that follows publish_warp_partial: the reduction of the partials, in the
    // calling warp, the same bits on every lane.
    template <class T, class WarpReduce>
    __device__ __forceinline__ T reduce_warp_partials(const T &identity, WarpReduce &&warp_reduce) const {
        const int lane = rank & (kWarpSize - 1);
        const T w = lane < threads / kWarpSize ? static_cast<const T *>(scratch)[lane] : identity;
        return warp_reduce(w).shfl(kFullMask, 0);
    }
};

}  // namespace cuda
}  // namespace labo

#endif  // LABO_SRC_CUDA_CUDA_COMMON_CUH_
