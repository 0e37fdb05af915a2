// CUDA emulator: what the tests use besides the CUDA runtime API (see emulator.cpp).
#ifndef LABO_TESTS_CUDA_EMULATOR_EMULATOR_H_
#define LABO_TESTS_CUDA_EMULATOR_EMULATOR_H_

#include <cstddef>
#include <cstdint>
#include <vector>

namespace emu {

// Makes [p, p + bytes) device memory of device 0 (cudaPointerGetAttributes reports it so, kernels
// may make 16-byte accesses inside it) until unregister_device_memory(p).
void register_device_memory(const void *p, size_t bytes);
void unregister_device_memory(const void *p);

// Device memory allocated by cudaMalloc/cudaMallocAsync and not yet freed.
long long live_allocations();
// Kernel launches so far (including refused ones).
long long kernel_launches();
// The addresses of the L2 prefetch hints kernels issued since the last call, in issue order (each
// was checked to lie inside device memory).
std::vector<const void *> take_l2_prefetches();

// cudaDevAttrMaxSharedMemoryPerBlockOptin (default 232448, an H100's); returns the previous value.
long long set_optin_shared_memory(long long bytes);

// A stream capture (as cudaStreamBeginCapture in global mode) of `stream`, until end_capture(),
// which says whether the capture is still valid (no call broke a rule of capture meanwhile).
void begin_capture(const void *stream);
bool end_capture();

// Threads run one at a time between synchronisation points. The order in which runnable threads
// continue, and the warp or thread of each block held back while others can run, are drawn from
// this seed (0: thread index order, nothing held back).
void set_schedule_seed(uint64_t seed);

}  // namespace emu

#endif  // LABO_TESTS_CUDA_EMULATOR_EMULATOR_H_
