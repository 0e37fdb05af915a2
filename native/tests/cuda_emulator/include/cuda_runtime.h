// CUDA emulator: the part of the CUDA runtime API and of the device language that the labo4j
// kernels use, implemented on the CPU (see ../emulator.cpp for what is modelled and what is not).
// This header replaces <cuda_runtime.h>, <cuda_bf16.h> and <cuda_fp16.h> when the kernel sources,
// rewritten by ../prepare_cuda_source.cmake, are compiled by the host C++ compiler.
#pragma once

// The kernel sources' host fallbacks for the CUDA emulator (cp.async, ...) test this.
#define LABO_CUDA_EMULATOR 1

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <functional>

// ---- device language ------------------------------------------------------------------------
#define __device__
#define __host__
#define __global__
#define __forceinline__ inline
#define __launch_bounds__(...)
// A __shared__ variable is one object for all threads of a block; blocks run one after another,
// so a function-local static is exactly that (it is not poisoned between blocks).
#define __shared__ static
#define __restrict__ __restrict

struct alignas(16) uint4 {
    unsigned x, y, z, w;
};
inline uint4 make_uint4(unsigned x, unsigned y, unsigned z, unsigned w) { return {x, y, z, w}; }

struct emu_dim3 {
    unsigned x, y, z;
};

typedef void *cudaStream_t;
enum cudaError_t {
    cudaSuccess = 0,
    cudaErrorInvalidValue = 1,
    cudaErrorMemoryAllocation = 2,
    cudaErrorInitializationError = 3,
    cudaErrorInvalidConfiguration = 9,
    cudaErrorInsufficientDriver = 35,
    cudaErrorNoDevice = 100,
    cudaErrorSystemDriverMismatch = 803,
    cudaErrorCompatNotSupportedOnDevice = 804,
    cudaErrorStreamCaptureUnsupported = 900,
    cudaErrorStreamCaptureImplicit = 906
};

namespace emu {
emu_dim3 thread_idx();
emu_dim3 block_idx();
emu_dim3 block_dim();
emu_dim3 grid_dim();
unsigned char *dynamic_smem();
void syncthreads();
// Value `v` of lane `src_lane` (0..31) of the caller's warp; every lane of `mask` must make the same
// sequence of shuffle calls with the same mask.
uint64_t shuffle(unsigned mask, uint64_t v, int src_lane);
int lane();
// Runs `body` once per thread of every block; a bad configuration becomes the launch error that
// cudaGetLastError() reports, as on a GPU.
void launch_kernel(uintptr_t kernel, long long grid, long long block, size_t smem, const std::function<void()> &body);
template <class Kernel, class Body>
void launch(Kernel *kernel, Body &&body, long long grid, long long block, size_t smem = 0,
            cudaStream_t /*stream*/ = nullptr) {
    launch_kernel(reinterpret_cast<uintptr_t>(kernel), grid, block, smem, std::function<void()>(body));
}
void set_max_dynamic_smem(uintptr_t kernel, int bytes);
long long optin_shared_memory();
// A 16-byte access must be 16-byte aligned and lie inside device or shared memory.
void check_vector_access(const void *p);
// cp.async: a thread's copies are queued and made only when it waits for them (a group is made
// once at most `pending` newer groups remain; wait_all commits first), the latest a GPU may make
// them. Shared destination and device source are checked like any 16-byte access.
void async_copy_16(uint4 *shared_dst, const void *global_src);
void async_copy_commit();
void async_copy_wait_group(int pending);
void async_copy_wait_all();
// prefetch.L2: a hint with no effect on results; the address must lie inside device memory (the
// kernels only prefetch rows they are about to read).
void prefetch_l2(const void *p);
template <class T, class P>
inline T *aligned16(P *p) {
    check_vector_access(p);
    return reinterpret_cast<T *>(p);
}
}  // namespace emu

#define threadIdx (::emu::thread_idx())
#define blockIdx (::emu::block_idx())
#define blockDim (::emu::block_dim())
#define gridDim (::emu::grid_dim())
inline void __syncthreads() { emu::syncthreads(); }

// ---- intrinsics ------------------------------------------------------------------------------
inline float __uint_as_float(unsigned u) { float f; std::memcpy(&f, &u, 4); return f; }
inline unsigned __float_as_uint(float f) { unsigned u; std::memcpy(&u, &f, 4); return u; }
inline float __int_as_float(int i) { float f; std::memcpy(&f, &i, 4); return f; }
inline double __longlong_as_double(long long i) { double d; std::memcpy(&d, &i, 8); return d; }

// The approximate intrinsics' models below draw their errors from hashed argument bits: h mapped to
// [-1, 1), and an ulp of a result.
namespace emu {
inline double model_unit(unsigned h) { return (static_cast<double>(h >> 8) / 16777216.0) * 2.0 - 1.0; }
inline float model_ulp(float f) { return std::nextafter(std::fabs(f), INFINITY) - std::fabs(f); }
}  // namespace emu

// A model of __expf (ex2.approx.ftz of x * log2(e)), not the hardware's: the argument is rounded to
// float, the result carries a deterministic pseudo-random relative error of up to 2.4e-7 (about
// 2 ulp), and results below the smallest normal float are flushed to 0.
inline float __expf(float x) {
    const float t = x * 1.44269504f;
    double r = std::exp2(static_cast<double>(t));
    unsigned h = __float_as_uint(t) * 2654435761u;
    r *= 1.0 + emu::model_unit(h) * 2.4e-7;
    float f = static_cast<float>(r);
    if (std::fabs(f) < 1.17549435e-38f) f = 0.f;
    return f;
}
// A model of __log2f (lg2.approx.ftz), not the hardware's: a deterministic pseudo-random error of
// up to 2^-22 absolute for x in [0.5, 2] and 2 ulp of the result elsewhere (the CUDA programming
// guide's bounds).
inline float __log2f(float x) {
    const double r = std::log2(static_cast<double>(x));
    if (!std::isfinite(r)) return static_cast<float>(r);  // 0, inf, NaN and negative x: as lg2.approx
    const double u = emu::model_unit(__float_as_uint(x) * 2654435761u);
    if (x >= 0.5f && x <= 2.f) return static_cast<float>(r + u * 0x1p-22);
    return static_cast<float>(r + u * 2.0 * emu::model_ulp(static_cast<float>(r)));
}
// A model of __fdividef (x times an approximate reciprocal of y): 2 ulp, and 0 for 2^126 < |y| <
// 2^128 as the programming guide gives it (and x / y elsewhere, inf and NaN included).
inline float __fdividef(float x, float y) {
    if (std::fabs(y) > 0x1p126f && std::isfinite(y)) return 0.f * x;
    const float q = x / y;
    if (!std::isfinite(q) || q == 0.f) return q;
    const double u = emu::model_unit(__float_as_uint(x) * 2654435761u ^ __float_as_uint(y));
    return static_cast<float>(static_cast<double>(q) + u * 2.0 * emu::model_ulp(q));
}
inline float __fadd_rn(float a, float b) { return a + b; }
inline float __fmul_rn(float a, float b) { return a * b; }
inline double __dadd_rn(double a, double b) { return a + b; }

inline float __shfl_xor_sync(unsigned mask, float v, int lane_mask) {
    return __uint_as_float(static_cast<unsigned>(emu::shuffle(mask, __float_as_uint(v), emu::lane() ^ lane_mask)));
}
inline double __shfl_xor_sync(unsigned mask, double v, int lane_mask) {
    uint64_t u; std::memcpy(&u, &v, 8);
    u = emu::shuffle(mask, u, emu::lane() ^ lane_mask);
    double d; std::memcpy(&d, &u, 8); return d;
}
inline unsigned long long __shfl_xor_sync(unsigned mask, unsigned long long v, int lane_mask) {
    return emu::shuffle(mask, v, emu::lane() ^ lane_mask);
}
inline float __shfl_sync(unsigned mask, float v, int src) {
    return __uint_as_float(static_cast<unsigned>(emu::shuffle(mask, __float_as_uint(v), src)));
}
inline double __shfl_sync(unsigned mask, double v, int src) {
    uint64_t u; std::memcpy(&u, &v, 8);
    u = emu::shuffle(mask, u, src);
    double d; std::memcpy(&d, &u, 8); return d;
}
// Threads run one at a time between synchronisation points: plain read-modify-writes are atomic.
inline unsigned long long atomicAdd(unsigned long long *p, unsigned long long v) { const auto o = *p; *p = o + v; return o; }
inline unsigned long long atomicMax(unsigned long long *p, unsigned long long v) { const auto o = *p; if (v > o) *p = v; return o; }
inline unsigned long long atomicCAS(unsigned long long *p, unsigned long long compare, unsigned long long v) {
    const auto o = *p;
    if (o == compare) *p = v;
    return o;
}

// ---- bf16 / fp16 -------------------------------------------------------------------------------
struct __nv_bfloat16 { unsigned short x; };
struct __half { unsigned short x; };
inline __nv_bfloat16 __float2bfloat16_rn(float f) {  // round to nearest even, NaN stays NaN
    unsigned u = __float_as_uint(f);
    if ((u & 0x7fffffffu) > 0x7f800000u) return {static_cast<unsigned short>((u >> 16) | 0x40u)};
    u += 0x7fffu + ((u >> 16) & 1u);
    return {static_cast<unsigned short>(u >> 16)};
}
inline unsigned short __bfloat16_as_ushort(__nv_bfloat16 b) { return b.x; }
inline __half __float2half_rn(float f) {
    const _Float16 h = static_cast<_Float16>(f);
    __half r; std::memcpy(&r.x, &h, 2); return r;
}
inline unsigned short __half_as_ushort(__half h) { return h.x; }
inline __half __ushort_as_half(unsigned short u) { return {u}; }
inline float __half2float(__half h) { _Float16 v; std::memcpy(&v, &h.x, 2); return static_cast<float>(v); }

// ---- runtime API -------------------------------------------------------------------------------
// Device memory is host memory registered with the emulator (cudaMalloc*, or
// emu_register_device_memory() in tests); there is one device, 0.
enum cudaMemoryType { cudaMemoryTypeUnregistered = 0, cudaMemoryTypeHost = 1, cudaMemoryTypeDevice = 2, cudaMemoryTypeManaged = 3 };
struct cudaPointerAttributes { cudaMemoryType type; int device; void *devicePointer; void *hostPointer; };
enum cudaDeviceAttr {
    cudaDevAttrMultiProcessorCount = 16,
    cudaDevAttrMaxSharedMemoryPerMultiprocessor = 81,
    cudaDevAttrMaxSharedMemoryPerBlockOptin = 97,
    cudaDevAttrMemoryPoolsSupported = 115
};
enum cudaFuncAttribute { cudaFuncAttributeMaxDynamicSharedMemorySize = 8 };
enum cudaMemcpyKind { cudaMemcpyHostToHost, cudaMemcpyHostToDevice, cudaMemcpyDeviceToHost, cudaMemcpyDeviceToDevice };
const char *cudaGetErrorString(cudaError_t);
const char *cudaGetErrorName(cudaError_t);
cudaError_t cudaGetLastError();
cudaError_t cudaGetDeviceCount(int *);
cudaError_t cudaGetDevice(int *);
cudaError_t cudaSetDevice(int);
cudaError_t cudaPointerGetAttributes(cudaPointerAttributes *, const void *);
cudaError_t cudaDeviceGetAttribute(int *, cudaDeviceAttr, int);
cudaError_t cudaMallocAsync(void **, size_t, cudaStream_t);
cudaError_t cudaMalloc(void **, size_t);
cudaError_t cudaFreeAsync(void *, cudaStream_t);
cudaError_t cudaFree(void *);
cudaError_t cudaMemsetAsync(void *, int, size_t, cudaStream_t);
cudaError_t cudaMemcpyAsync(void *, const void *, size_t, cudaMemcpyKind, cudaStream_t);
cudaError_t cudaStreamSynchronize(cudaStream_t);
cudaError_t cudaDeviceSynchronize();
// Streams are handles only (every call completes when made). Stream capture is modelled for the
// rules a CUDA graph capture in global mode imposes (emu::begin_capture): while a stream captures,
// a thread not in relaxed mode may not allocate, free or wait (cudaMalloc, cudaFree, cudaHostAlloc,
// cudaFreeHost, cudaStreamSynchronize, cudaDeviceSynchronize, cudaEventSynchronize); no thread
// may wait for the capturing stream, nor use the legacy default stream (NULL). Such a call fails
// with the error CUDA gives and invalidates the capture, as on a GPU.
enum { cudaStreamDefault = 0, cudaStreamNonBlocking = 1 };
enum cudaStreamCaptureStatus {
    cudaStreamCaptureStatusNone = 0,
    cudaStreamCaptureStatusActive = 1,
    cudaStreamCaptureStatusInvalidated = 2
};
enum cudaStreamCaptureMode { cudaStreamCaptureModeGlobal = 0, cudaStreamCaptureModeThreadLocal = 1, cudaStreamCaptureModeRelaxed = 2 };
cudaError_t cudaStreamCreateWithFlags(cudaStream_t *, unsigned);
cudaError_t cudaStreamDestroy(cudaStream_t);
cudaError_t cudaStreamIsCapturing(cudaStream_t, cudaStreamCaptureStatus *);
cudaError_t cudaThreadExchangeStreamCaptureMode(cudaStreamCaptureMode *);
// Pinned host memory is plain host memory here; events complete when recorded (every call is
// synchronous), but recording and waiting on an event that was never created is refused.
typedef struct emu_event *cudaEvent_t;
enum { cudaHostAllocDefault = 0, cudaHostAllocPortable = 1 };
enum { cudaEventDefault = 0, cudaEventDisableTiming = 2 };
cudaError_t cudaHostAlloc(void **, size_t, unsigned);
cudaError_t cudaFreeHost(void *);
cudaError_t cudaEventCreateWithFlags(cudaEvent_t *, unsigned);
cudaError_t cudaEventRecord(cudaEvent_t, cudaStream_t);
cudaError_t cudaEventSynchronize(cudaEvent_t);
cudaError_t cudaEventDestroy(cudaEvent_t);
template <class Kernel>
cudaError_t cudaFuncSetAttribute(Kernel *kernel, cudaFuncAttribute attribute, int value) {
    if (attribute != cudaFuncAttributeMaxDynamicSharedMemorySize || value < 0 || value > emu::optin_shared_memory())
        return cudaErrorInvalidValue;
    emu::set_max_dynamic_smem(reinterpret_cast<uintptr_t>(kernel), value);
    return cudaSuccess;
}
// A model of an SM with 2048 threads and 228 KiB of shared memory (1 KiB reserved per block);
// registers are not modelled.
template <class Kernel>
cudaError_t cudaOccupancyMaxActiveBlocksPerMultiprocessor(int *blocks, Kernel *, int block_size, size_t smem) {
    if (blocks == nullptr || block_size <= 0) return cudaErrorInvalidValue;
    const long long by_threads = 2048 / block_size;
    const long long by_smem = (228 * 1024) / (static_cast<long long>(smem) + 1024);
    *blocks = static_cast<int>(by_threads < by_smem ? by_threads : by_smem);
    return cudaSuccess;
}
