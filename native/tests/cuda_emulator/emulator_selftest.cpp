// Checks of the emulator itself: small kernels (written as prepare_cuda_source.cmake emits them)
// that a GPU would run correctly must run, and the faults the emulator claims to catch must make
// the launch fail (cudaGetLastError() != cudaSuccess) rather than pass unnoticed.
#include <cstdint>
#include <cstdio>
#include <cstring>

#include "cuda_runtime.h"
#include "emulator.h"
#include "test_support.h"

using emutest::check;

namespace {

constexpr unsigned kFull = 0xffffffffu;

// Block sum through shared memory: correct with its barrier.
void block_sum_kernel(const float *in, float *out, bool with_barrier) {
    __shared__ float partial[256];
    partial[threadIdx.x] = in[blockIdx.x * blockDim.x + threadIdx.x];
    if (with_barrier) __syncthreads();
    if (threadIdx.x == 0) {
        float s = 0.f;
        for (unsigned i = 0; i < blockDim.x; ++i) s += partial[i];
        out[blockIdx.x] = s;
    }
}

void warp_sum_kernel(float *out) {
    float v = static_cast<float>(threadIdx.x);
    for (int offset = 16; offset > 0; offset >>= 1) v += __shfl_xor_sync(kFull, v, offset);
    if (threadIdx.x % 32 == 0) out[threadIdx.x / 32] = v;
}

void divergent_barrier_kernel() {
    if (threadIdx.x < 16) __syncthreads();
}

void exited_partner_kernel() {
    if (threadIdx.x % 2 == 1) return;
    (void)__shfl_xor_sync(kFull, 1.f, 1);
}

void mask_mismatch_kernel() {
    const unsigned mask = threadIdx.x < 16 ? kFull : 0xfffffffeu;
    (void)__shfl_sync(mask, 1.f, 1);
}

void vector_load_kernel(const unsigned char *p, uint4 *sink) {
    if (threadIdx.x == 0) *sink = *::emu::aligned16<const uint4>(p);
}

void smem_kernel() {
    unsigned char *smem = ::emu::dynamic_smem();
    smem[threadIdx.x] = 1;
}

// cp.async groups: each thread copies three 16-byte values into its own shared slots, one group
// each, and records what its slots hold before any wait, after wait_group 1 (the first two groups
// landed) and after wait_all: 0, 2 and 3 values of `src` in place.
void async_copy_kernel(const uint4 *src, unsigned *landed) {
    uint4 *slots = reinterpret_cast<uint4 *>(::emu::dynamic_smem()) + 3 * threadIdx.x;
    for (int i = 0; i < 3; ++i) slots[i] = make_uint4(0u, 0u, 0u, 0u);
    for (int i = 0; i < 3; ++i) {
        ::emu::async_copy_16(&slots[i], &src[i]);
        ::emu::async_copy_commit();
    }
    auto count = [&] {
        unsigned n = 0;
        for (int i = 0; i < 3; ++i) n += slots[i].x == src[i].x;
        return n;
    };
    landed[3 * threadIdx.x] = count();
    ::emu::async_copy_wait_group(1);
    landed[3 * threadIdx.x + 1] = count();
    ::emu::async_copy_wait_all();
    landed[3 * threadIdx.x + 2] = count();
}

cudaError_t last() { return cudaGetLastError(); }

}  // namespace

void run_emulator_selftest() {
    emutest::begin_case("[emulator: correct kernels run]");
    {
        emutest::DeviceBuffer in(2 * 256 * 4), out(2 * 4);
        float *x = static_cast<float *>(in.data());
        for (int i = 0; i < 512; ++i) x[i] = static_cast<float>(i % 7);
        float *o = static_cast<float *>(out.data());
        ::emu::launch(&block_sum_kernel, [&] { block_sum_kernel(x, o, true); }, 2, 256, 0, nullptr);
        check(last() == cudaSuccess, "block sum launch failed");
        double want0 = 0, want1 = 0;
        for (int i = 0; i < 256; ++i) want0 += i % 7;
        for (int i = 256; i < 512; ++i) want1 += i % 7;
        check(o[0] == static_cast<float>(want0) && o[1] == static_cast<float>(want1), "block sums %g %g, want %g %g",
              static_cast<double>(o[0]), static_cast<double>(o[1]), want0, want1);
        ::emu::launch(&warp_sum_kernel, [&] { warp_sum_kernel(o); }, 1, 64, 0, nullptr);
        check(last() == cudaSuccess && o[0] == 496.f && o[1] == 1520.f, "warp sums %g %g", static_cast<double>(o[0]),
              static_cast<double>(o[1]));
        emutest::DeviceBuffer big(64);
        uint4 *sink = static_cast<uint4 *>(static_cast<void *>(big.bytes() + 32));
        ::emu::launch(&vector_load_kernel, [&] { vector_load_kernel(big.bytes() + 16, sink); }, 1, 32, 0, nullptr);
        check(last() == cudaSuccess, "aligned 16-byte load inside device memory refused");
        ::emu::launch(&smem_kernel, [&] { smem_kernel(); }, 1, 64, 64, nullptr);
        check(last() == cudaSuccess, "dynamic shared memory kernel failed");

        emutest::DeviceBuffer src_buf(3 * 16), landed_buf(2 * 3 * 4);
        uint4 *src = static_cast<uint4 *>(src_buf.data());
        for (unsigned i = 0; i < 3; ++i) src[i] = make_uint4(i + 1, 0u, 0u, 0u);
        unsigned *landed = static_cast<unsigned *>(landed_buf.data());
        ::emu::launch(&async_copy_kernel, [&] { async_copy_kernel(src, landed); }, 1, 2, 2 * 3 * 16, nullptr);
        check(last() == cudaSuccess, "cp.async kernel failed");
        for (int t = 0; t < 2; ++t) {
            check(landed[3 * t] == 0 && landed[3 * t + 1] == 2 && landed[3 * t + 2] == 3,
                  "thread %d: cp.async copies landed %u, %u, %u (before a wait, after wait_group 1, after wait_all), "
                  "want 0, 2, 3", t, landed[3 * t], landed[3 * t + 1], landed[3 * t + 2]);
        }
    }
    emutest::end_case();

    std::printf("(the emulator faults printed next are expected)\n");
    emutest::begin_case("[emulator: faults are caught]");
    {
        // A missing barrier: thread 0 sums the shared array before the other threads wrote their
        // new values, unless the random schedule runs it last (1 in 256, four launches).
        emutest::DeviceBuffer in(256 * 4), out(4);
        float *x = static_cast<float *>(in.data());
        float *o = static_cast<float *>(out.data());
        int wrong = 0;
        for (int launch = 0; launch < 4; ++launch) {
            for (int i = 0; i < 256; ++i) x[i] = static_cast<float>(launch + 1);
            ::emu::launch(&block_sum_kernel, [&] { block_sum_kernel(x, o, false); }, 1, 256, 0, nullptr);
            check(last() == cudaSuccess, "block sum launch failed");
            wrong += o[0] != 256.f * static_cast<float>(launch + 1);
        }
        check(wrong > 0, "a missing barrier was not noticed in 4 launches");

        ::emu::launch(&divergent_barrier_kernel, [&] { divergent_barrier_kernel(); }, 1, 32, 0, nullptr);
        check(last() != cudaSuccess, "a barrier reached by half the block passed");
        ::emu::launch(&exited_partner_kernel, [&] { exited_partner_kernel(); }, 1, 32, 0, nullptr);
        check(last() != cudaSuccess, "a shuffle with exited partner lanes passed");
        ::emu::launch(&mask_mismatch_kernel, [&] { mask_mismatch_kernel(); }, 1, 32, 0, nullptr);
        check(last() != cudaSuccess, "a shuffle with different masks passed");
        emutest::DeviceBuffer buf(64), sink_buf(16);
        uint4 *sink = static_cast<uint4 *>(sink_buf.data());
        ::emu::launch(&vector_load_kernel, [&] { vector_load_kernel(buf.bytes() + 8, sink); }, 1, 32, 0, nullptr);
        check(last() != cudaSuccess, "a misaligned 16-byte load passed");
        ::emu::launch(&vector_load_kernel, [&] { vector_load_kernel(buf.bytes() + 64, sink); }, 1, 32, 0, nullptr);
        check(last() != cudaSuccess, "a 16-byte load past the end of device memory passed");
        unsigned char host[32] = {};
        ::emu::launch(&vector_load_kernel, [&] { vector_load_kernel(host, sink); }, 1, 32, 0, nullptr);
        check(last() != cudaSuccess, "a 16-byte load of host memory passed");
        ::emu::launch(&smem_kernel, [&] { smem_kernel(); }, 1, 64, 64 * 1024, nullptr);
        check(last() != cudaSuccess, "64 KiB of dynamic shared memory without cudaFuncSetAttribute passed");
        check(cudaFuncSetAttribute(smem_kernel, cudaFuncAttributeMaxDynamicSharedMemorySize, 64 * 1024) == cudaSuccess,
              "cudaFuncSetAttribute(64 KiB) refused");
        ::emu::launch(&smem_kernel, [&] { smem_kernel(); }, 1, 64, 64 * 1024, nullptr);
        check(last() == cudaSuccess, "64 KiB of dynamic shared memory after cudaFuncSetAttribute refused");
        ::emu::launch(&smem_kernel, [&] { smem_kernel(); }, 1, 2048, 0, nullptr);
        check(last() != cudaSuccess, "a block of 2048 threads passed");
    }
    emutest::end_case();
    std::printf("(end of the expected emulator faults)\n");
}
