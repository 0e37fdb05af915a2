// CUDA emulator: runs the unmodified CUDA kernel sources of labo4j (native/src/cuda/*.cu) on the CPU,
// so that a machine without a GPU (CI) can test the kernels' logic end to end.
//
// Running
//   native/tests/cuda_emulator/run.sh (CI), or configure native/ with
//   -DLABO_BUILD_CUDA_EMULATOR_TESTS=ON, build labo_cuda_emulator_test and run ctest. Inputs are
//   random each run; the seed is printed (labo_cuda_emulator_test --seed N replays a run).
//
// How
//   prepare_cuda_source.cmake rewrites a few constructs of each .cu/.cuh at build time (kernel
//   launches <<<...>>>, 16-byte reinterpret_casts to uint4, the extern __shared__ array,
//   #pragma unroll) into the build directory; the result is compiled by the host compiler, with
//   the project's warnings, against the fake headers of include/ (cuda_runtime.h, cuda_bf16.h,
//   cuda_fp16.h) and linked with this file, which implements them. cmake/LaboCudaEmulatorTests.cmake
//   sets this up.
//
// Files
//   emulator.cpp, emulator.h, include/   the emulator (this file: fibers, scheduler, runtime API)
//   prepare_cuda_source.cmake            the .cu -> .cpp rewrite
//   main.cpp, test_support.h             the test program: seed, case bookkeeping, buffers, dtypes
//   emulator_selftest.cpp                the emulator's own checks (faults are caught)
//   error_test.cpp                       refusals: bad target, host pointers, misalignment, no rows
//   reference_test.cpp                   every kernel path against an fp64 reference of METHOD.md
//   parity_test.cpp                      the emulated CUDA backend against the CPU kernel
//   prefetch_test.cpp                    the smem path's L2 prefetch of the next row: which rows, every line once
//
// What is modelled (and checked)
//   - Every GPU thread is a fiber (ucontext) with its own stack; the blocks of a grid run one after
//     another, the threads of a block cooperatively: a thread runs until it reaches a
//     synchronisation point (__syncthreads, a warp shuffle) or exits. The order in which runnable
//     threads continue is drawn at random from the schedule seed, and in every block one random
//     warp or thread is held back as long as any other thread can run, so code that depends on
//     one particular interleaving (a missing barrier) has a chance to fail.
//   - __syncthreads(): every thread of the block must arrive; a barrier that some thread never
//     reaches (divergent barrier, a thread that exited) is reported as a deadlock.
//   - __shfl_sync / __shfl_xor_sync: the source lane must be in range, in the mask and in the block,
//     the caller must be in the mask, and lanes exchange values call by call: the n-th shuffle of a
//     lane pairs with the n-th shuffle of its partner, whose mask must be the same. A lane waiting
//     for a partner that exited or never shuffles again is a deadlock.
//   - 16-byte vector accesses (uint4) must be 16-byte aligned and lie entirely inside device memory
//     or the block's dynamic shared memory.
//   - A device of 2 multiprocessors (cudaDevAttrMultiProcessorCount) and a simple occupancy model
//     (cudaOccupancyMaxActiveBlocksPerMultiprocessor: 2048 threads, 228 KiB of shared memory an
//     SM), so that persistent grids are small and each block loops over several rows.
//   - cp.async (sm_80+): a thread's asynchronous copies land only when it waits for them
//     (cp.async.wait_group N makes all but its newest N committed groups, wait_all every copy), so
//     reading a slot before the wait that covers its copy reads the old contents, as it may on a GPU.
//   - prefetch.L2: no effect; the address must lie inside device memory, and is logged for the
//     tests (take_l2_prefetches).
//   - Stream capture (begin_capture / end_capture, as cudaStreamBeginCapture in global mode): the
//     calls a capture forbids (allocations, frees and waits outside relaxed mode, the legacy
//     stream) fail as on a GPU and invalidate it; streams are otherwise handles only.
//   - Launch configuration: grid >= 1, 1 <= block <= 1024, dynamic shared memory at most the opt-in
//     limit (settable, to force the streaming path) and above 48 KiB only after
//     cudaFuncSetAttribute(MaxDynamicSharedMemorySize) for that kernel; a violation refuses the
//     launch (cudaErrorInvalidConfiguration from cudaGetLastError(), as on a GPU). Any fault
//     above makes the launch fail with cudaErrorLaunchFailure; the fault is printed and the
//     remaining threads and blocks are abandoned.
//   - Dynamic shared memory is filled with 0xCD before each block; workspace from cudaMalloc* with
//     0xAB. Device memory is host memory registered with the emulator: cudaPointerGetAttributes
//     tells device memory from host memory, cudaMemset/cudaMemcpy check their device side.
//   - bf16/fp16 conversions round to nearest even as the CUDA intrinsics do.
//
// What is not modelled (the emulator cannot find these; they need a real GPU)
//   - Timing, occupancy, register pressure and spills, launch bounds, coalescing, bank conflicts.
//   - Real __expf/ex2.approx and __log2f/lg2.approx accuracy: include/cuda_runtime.h uses models
//     with a deterministic pseudo-random error of up to 2.4e-7 relative (exp) and of the CUDA
//     programming guide's bounds (log2); expf/logf/log/sqrt are the host's libm, which
//     differs from CUDA's in the last bits. nvcc contracts a*b+c into FMA by default, the host
//     compiler here does not: results differ from a GPU's in rounding, not in the formulas.
//   - The memory model beyond barriers: threads run one at a time, so there are no data races,
//     torn reads or write reordering to observe; plain read-modify-writes are atomic. Global
//     memory is not bounds-checked for element (non-vector) accesses, except through the tests'
//     checks of what lies around the outputs. __shared__ variables (static ones, not the dynamic
//     array) are not poisoned between blocks.
//   - Warp-level execution: lanes are not lock-stepped, so code relying on implicit warp
//     synchronisation (without *_sync) is not exercised as a GPU would.
//   - Streams and devices: every call is synchronous (stream-ordering and lifetime bugs, such as
//     freeing memory a kernel still uses, are invisible); there is one device, so the device
//     guard's switching is not exercised; cuda_api.cu (buffer/stream/event C API) is not built.
//   - The kernels are compiled as host C++ (-O1): undefined behaviour may show differently, and
//     nvcc-only diagnostics (ptxas, device-side warnings) do not appear.
#include "emulator.h"

#include <sys/mman.h>
#include <ucontext.h>
#include <unistd.h>

#include <cstdarg>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <map>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "cuda_runtime.h"

namespace emu {
namespace {

constexpr long long kDefaultOptinSmem = 232448;  // H100: 227 KiB
constexpr int kSharedMemoryPerMultiprocessor = 228 * 1024;  // as the occupancy model in cuda_runtime.h
// Few multiprocessors, so that persistent blocks (grid = resident blocks) loop over several rows.
constexpr int kMultiProcessors = 2;
constexpr size_t kDefaultDynamicSmemLimit = 48 * 1024;
constexpr size_t kStackBytes = 256 * 1024;
constexpr cudaError_t kLaunchFailure = static_cast<cudaError_t>(719);  // cudaErrorLaunchFailure

enum class Wait { kNone, kBarrier, kShuffle };

struct Fiber {
    ucontext_t context;
    unsigned tid = 0;
    bool done = false;
    std::vector<uint64_t> shuffle_values;  // the n-th shuffle's value and mask
    std::vector<unsigned> shuffle_masks;
    // cp.async copies (destination, source) not yet made: the open group, then the committed ones.
    std::vector<std::pair<uint4 *, const uint4 *>> async_open;
    std::deque<std::vector<std::pair<uint4 *, const uint4 *>>> async_groups;
    // What the thread waits for: the barrier generation to move past wait_generation, or the
    // partner's shuffle number wait_count.
    Wait wait = Wait::kNone;
    long long wait_generation = 0;
    unsigned wait_partner = 0;
    size_t wait_count = 0;
};

// One stack per thread of the largest block, each below a guard page.
class Stacks {
public:
    ~Stacks() {
        for (char *s : stacks_) munmap(s, kStackBytes + page());
    }
    char *get(size_t i) {
        while (stacks_.size() <= i) {
            void *p = mmap(nullptr, kStackBytes + page(), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
            if (p == MAP_FAILED) {
                std::perror("cuda emulator: mmap of a fiber stack");
                std::abort();
            }
            mprotect(p, page(), PROT_NONE);
            stacks_.push_back(static_cast<char *>(p));
        }
        return stacks_[i] + page();
    }

private:
    static size_t page() { return static_cast<size_t>(sysconf(_SC_PAGESIZE)); }
    std::vector<char *> stacks_;
};

struct State {
    // device
    long long optin_smem = kDefaultOptinSmem;
    std::map<uintptr_t, size_t> device_ranges;      // start -> bytes
    std::unordered_map<uintptr_t, int> max_dynamic_smem;  // kernel -> cudaFuncSetAttribute value
    cudaError_t last_error = cudaSuccess;
    long long live_allocations = 0;
    long long launches = 0;
    std::vector<const void *> prefetches;  // L2 prefetch hints issued by kernels, not yet taken
    int current_device = 0;
    // the running launch
    std::vector<Fiber> fibers;
    Stacks stacks;
    ucontext_t scheduler;
    Fiber *current = nullptr;
    const std::function<void()> *body = nullptr;
    unsigned grid = 0, block = 0, block_index = 0;
    unsigned char *smem = nullptr;
    size_t smem_bytes = 0;
    long long barrier_generation = 0;
    unsigned barrier_arrived = 0;
    bool faulted = false;
    uint64_t schedule_state = 0;  // 0: thread index order
    // stream capture (begin_capture)
    bool capturing = false;
    bool capture_invalidated = false;
    const void *capture_stream = nullptr;
    int capture_mode = 0;  // this (the only host) thread's cudaStreamCaptureMode
};

State &state() {
    static State s;
    return s;
}

uint64_t next_random(uint64_t &x) {  // splitmix64
    uint64_t z = (x += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

// A fault of the running kernel: reported, the launch fails, the calling thread never resumes.
void fault(const char *format, ...) __attribute__((format(printf, 1, 2)));
void fault(const char *format, ...) {
    State &s = state();
    char message[512];
    va_list args;
    va_start(args, format);
    std::vsnprintf(message, sizeof message, format, args);
    va_end(args);
    if (s.current != nullptr) {
        std::printf("CUDA EMULATOR FAULT: %s (block %u, thread %u)\n", message, s.block_index, s.current->tid);
    } else {
        std::printf("CUDA EMULATOR FAULT: %s (block %u)\n", message, s.block_index);
    }
    std::fflush(stdout);
    s.faulted = true;
    if (s.current != nullptr) {
        swapcontext(&s.current->context, &s.scheduler);  // abandoned: never switched back to
    }
}

void yield_to_scheduler() {
    State &s = state();
    swapcontext(&s.current->context, &s.scheduler);
}

void fiber_entry() {
    State &s = state();
    (*s.body)();
    s.current->done = true;
    // returning switches to uc_link, the scheduler
}

// getcontext returns twice: kept out of functions with live local variables.
__attribute__((noinline)) void init_fiber_context(ucontext_t *context, char *stack, ucontext_t *link) {
    getcontext(context);
    context->uc_stack.ss_sp = stack;
    context->uc_stack.ss_size = kStackBytes;
    context->uc_link = link;
    makecontext(context, fiber_entry, 0);
}

bool inside_device_memory(uintptr_t a, size_t bytes) {
    const State &s = state();
    auto it = s.device_ranges.upper_bound(a);
    if (it == s.device_ranges.begin()) return false;
    --it;
    return a >= it->first && a + bytes <= it->first + it->second;
}

bool is_device_pointer(const void *p) { return inside_device_memory(reinterpret_cast<uintptr_t>(p), 1); }

bool ready(const State &s, const Fiber &f) {
    switch (f.wait) {
        case Wait::kNone:
            return true;
        case Wait::kBarrier:
            return s.barrier_generation != f.wait_generation;
        case Wait::kShuffle: {
            const Fiber &partner = s.fibers[f.wait_partner];
            return partner.done || partner.shuffle_values.size() > f.wait_count;  // done: it faults
        }
    }
    return true;
}

// Runs the threads of the current block until all have exited, or a fault or a deadlock.
// In rounds: every thread that can continue runs until it waits again or exits, in an order
// drawn at random. With a schedule seed, one random warp or one random thread of the block is
// also held back: it runs only when no other thread can, so the others get as far ahead of it
// as the barriers allow (the schedule that exposes a missing barrier).
void run_block() {
    State &s = state();
    std::vector<unsigned> order(s.block);
    for (unsigned t = 0; t < s.block; ++t) order[t] = t;
    std::vector<char> held(s.block, 0);
    if (s.schedule_state != 0 && s.block > 1) {
        const uint64_t r = next_random(s.schedule_state);
        if (r & 1u) {
            const unsigned warp = static_cast<unsigned>((r >> 1) % ((s.block + 31) / 32));
            for (unsigned t = warp * 32; t < s.block && t < warp * 32 + 32; ++t) held[t] = 1;
        } else {
            held[(r >> 1) % s.block] = 1;
        }
    }
    size_t running = s.block;
    while (running > 0 && !s.faulted) {
        if (s.schedule_state != 0) {
            for (size_t i = order.size(); i > 1; --i) std::swap(order[i - 1], order[next_random(s.schedule_state) % i]);
        }
        bool ran = false;
        for (int pass = 0; pass < 2 && !ran; ++pass) {  // pass 1: the held-back threads
            for (unsigned t : order) {
                Fiber &f = s.fibers[t];
                if (f.done || held[t] != pass || !ready(s, f)) continue;
                ran = true;
                s.current = &f;
                swapcontext(&s.scheduler, &f.context);
                s.current = nullptr;
                if (s.faulted) return;
                if (f.done) --running;
            }
        }
        if (!ran) fault("deadlock: no thread can continue (a barrier or shuffle not reached by every thread it waits for)");
    }
}

}  // namespace

// ---- device-side functions ---------------------------------------------------------------------
emu_dim3 thread_idx() { return {state().current->tid, 0, 0}; }
emu_dim3 block_idx() { return {state().block_index, 0, 0}; }
emu_dim3 block_dim() { return {state().block, 1, 1}; }
emu_dim3 grid_dim() { return {state().grid, 1, 1}; }
unsigned char *dynamic_smem() { return state().smem; }
int lane() { return static_cast<int>(state().current->tid & 31u); }

void syncthreads() {
    State &s = state();
    Fiber &me = *s.current;
    const long long generation = s.barrier_generation;
    if (++s.barrier_arrived == s.block) {
        s.barrier_arrived = 0;
        ++s.barrier_generation;
        return;
    }
    me.wait = Wait::kBarrier;
    me.wait_generation = generation;
    while (s.barrier_generation == generation) yield_to_scheduler();
    me.wait = Wait::kNone;
}

uint64_t shuffle(unsigned mask, uint64_t v, int src_lane) {
    State &s = state();
    Fiber &me = *s.current;
    const int my_lane = lane();
    if (src_lane < 0 || src_lane > 31) fault("shuffle source lane %d out of range", src_lane);
    if (!((mask >> my_lane) & 1u)) fault("lane %d shuffles with mask 0x%08x that does not contain it", my_lane, mask);
    if (!((mask >> src_lane) & 1u)) fault("shuffle source lane %d not in mask 0x%08x", src_lane, mask);
    const unsigned partner_tid = (me.tid & ~31u) + static_cast<unsigned>(src_lane);
    if (partner_tid >= s.block) fault("shuffle source lane %d is beyond the block (%u threads)", src_lane, s.block);
    const size_t n = me.shuffle_values.size();
    me.shuffle_values.push_back(v);
    me.shuffle_masks.push_back(mask);
    Fiber &partner = s.fibers[partner_tid];
    me.wait = Wait::kShuffle;
    me.wait_partner = partner_tid;
    me.wait_count = n;
    while (partner.shuffle_values.size() <= n) {
        if (partner.done) fault("shuffle source lane %d exited before its shuffle #%zu", src_lane, n);
        yield_to_scheduler();
    }
    me.wait = Wait::kNone;
    if (partner.shuffle_masks[n] != mask) {
        fault("shuffle #%zu: mask 0x%08x, but source lane %d used 0x%08x", n, mask, src_lane, partner.shuffle_masks[n]);
    }
    return partner.shuffle_values[n];
}

void check_vector_access(const void *p) {
    State &s = state();
    const uintptr_t a = reinterpret_cast<uintptr_t>(p);
    if (a % 16 != 0) fault("misaligned 16-byte access at %p", p);
    const uintptr_t smem = reinterpret_cast<uintptr_t>(s.smem);
    const bool in_smem = s.smem != nullptr && a >= smem && a + 16 <= smem + s.smem_bytes;
    if (!in_smem && !inside_device_memory(a, 16)) fault("16-byte access at %p outside device and shared memory", p);
}

void async_copy_16(uint4 *shared_dst, const void *global_src) {
    State &s = state();
    const uintptr_t a = reinterpret_cast<uintptr_t>(shared_dst);
    const uintptr_t smem = reinterpret_cast<uintptr_t>(s.smem);
    if (a % 16 != 0 || s.smem == nullptr || a < smem || a + 16 > smem + s.smem_bytes) {
        fault("cp.async destination %p is not 16 bytes of the block's shared memory", static_cast<void *>(shared_dst));
    }
    if (reinterpret_cast<uintptr_t>(global_src) % 16 != 0 || !inside_device_memory(reinterpret_cast<uintptr_t>(global_src), 16)) {
        fault("cp.async source %p is not 16 aligned bytes of device memory", global_src);
    }
    s.current->async_open.emplace_back(shared_dst, static_cast<const uint4 *>(global_src));
}

void async_copy_commit() {
    Fiber &me = *state().current;
    me.async_groups.push_back(std::move(me.async_open));
    me.async_open.clear();
}

void async_copy_wait_group(int pending) {
    Fiber &me = *state().current;
    while (me.async_groups.size() > static_cast<size_t>(pending < 0 ? 0 : pending)) {
        for (const auto &copy : me.async_groups.front()) *copy.first = *copy.second;
        me.async_groups.pop_front();
    }
}

void async_copy_wait_all() {
    async_copy_commit();
    async_copy_wait_group(0);
}

void prefetch_l2(const void *p) {
    if (!inside_device_memory(reinterpret_cast<uintptr_t>(p), 1)) fault("L2 prefetch of %p, outside device memory", p);
    state().prefetches.push_back(p);
}

std::vector<const void *> take_l2_prefetches() { return std::exchange(state().prefetches, {}); }

void set_max_dynamic_smem(uintptr_t kernel, int bytes) { state().max_dynamic_smem[kernel] = bytes; }
long long optin_shared_memory() { return state().optin_smem; }

void launch_kernel(uintptr_t kernel, long long grid, long long block, size_t smem, const std::function<void()> &body) {
    State &s = state();
    ++s.launches;
    const char *refused = nullptr;
    if (grid < 1 || grid > 0x7fffffffLL) refused = "grid size out of range";
    if (block < 1 || block > 1024) refused = "block size out of range";
    if (static_cast<long long>(smem) > s.optin_smem) refused = "dynamic shared memory above the opt-in limit";
    if (smem > kDefaultDynamicSmemLimit) {
        auto it = s.max_dynamic_smem.find(kernel);
        if (it == s.max_dynamic_smem.end() || static_cast<size_t>(it->second) < smem) {
            refused = "dynamic shared memory above 48 KiB without cudaFuncSetAttribute(MaxDynamicSharedMemorySize)";
        }
    }
    if (refused != nullptr) {
        std::printf("CUDA EMULATOR FAULT: launch refused: %s (grid %lld, block %lld, smem %zu)\n", refused, grid, block,
                    smem);
        s.last_error = cudaErrorInvalidConfiguration;
        return;
    }
    std::vector<unsigned char> smem_buffer(smem + 16);
    const size_t shift = (16 - reinterpret_cast<uintptr_t>(smem_buffer.data()) % 16) % 16;
    s.smem = smem > 0 ? smem_buffer.data() + shift : nullptr;
    s.smem_bytes = smem;
    s.body = &body;
    s.grid = static_cast<unsigned>(grid);
    s.block = static_cast<unsigned>(block);
    s.faulted = false;
    for (unsigned b = 0; b < s.grid && !s.faulted; ++b) {
        s.block_index = b;
        if (s.smem != nullptr) std::memset(s.smem, 0xCD, smem);
        s.fibers.assign(s.block, Fiber());
        s.barrier_arrived = 0;
        for (unsigned t = 0; t < s.block; ++t) {
            s.fibers[t].tid = t;
            init_fiber_context(&s.fibers[t].context, s.stacks.get(t), &s.scheduler);
        }
        run_block();
    }
    if (s.faulted) s.last_error = kLaunchFailure;
    s.fibers.clear();
    s.smem = nullptr;
    s.smem_bytes = 0;
    s.body = nullptr;
}

// ---- emulator.h --------------------------------------------------------------------------------
void register_device_memory(const void *p, size_t bytes) {
    state().device_ranges[reinterpret_cast<uintptr_t>(p)] = bytes;
}
void unregister_device_memory(const void *p) { state().device_ranges.erase(reinterpret_cast<uintptr_t>(p)); }
long long live_allocations() { return state().live_allocations; }
long long kernel_launches() { return state().launches; }

void begin_capture(const void *stream) {
    State &s = state();
    s.capturing = true;
    s.capture_invalidated = false;
    s.capture_stream = stream;
}

bool end_capture() {
    State &s = state();
    const bool valid = s.capturing && !s.capture_invalidated;
    s.capturing = false;
    s.capture_invalidated = false;
    s.capture_stream = nullptr;
    return valid;
}

// The rules of a capture in global mode: a call that breaks one fails and invalidates the capture.
// `unsafe`: an allocation, free or wait (allowed in relaxed mode); `stream`: the stream the call
// uses or waits for (`uses_stream` false: none).
static cudaError_t capture_rule(bool unsafe, bool uses_stream, const void *stream) {
    State &s = state();
    if (!s.capturing) return cudaSuccess;
    cudaError_t error = cudaSuccess;
    if (uses_stream && stream == nullptr && s.capture_stream != nullptr) {
        error = cudaErrorStreamCaptureImplicit;  // the legacy stream would join the capture
    } else if (unsafe && (s.capture_mode != cudaStreamCaptureModeRelaxed || (uses_stream && stream == s.capture_stream))) {
        error = cudaErrorStreamCaptureUnsupported;
    }
    if (error != cudaSuccess) s.capture_invalidated = true;
    return error;
}
long long set_optin_shared_memory(long long bytes) { return std::exchange(state().optin_smem, bytes); }
void set_schedule_seed(uint64_t seed) { state().schedule_state = seed; }

}  // namespace emu

// ---- runtime API -------------------------------------------------------------------------------
using emu::state;

const char *cudaGetErrorString(cudaError_t e) {
    switch (static_cast<int>(e)) {
        case cudaSuccess: return "no error";
        case cudaErrorInvalidValue: return "invalid argument";
        case cudaErrorInvalidConfiguration: return "invalid configuration argument";
        case 719: return "unspecified launch failure";
        case cudaErrorStreamCaptureUnsupported: return "operation not permitted when stream is capturing";
        case cudaErrorStreamCaptureImplicit: return "operation would make the legacy stream depend on a capturing blocking stream";
        default: return "emulated error";
    }
}
const char *cudaGetErrorName(cudaError_t e) {
    switch (static_cast<int>(e)) {
        case cudaSuccess: return "cudaSuccess";
        case cudaErrorInvalidValue: return "cudaErrorInvalidValue";
        case cudaErrorInvalidConfiguration: return "cudaErrorInvalidConfiguration";
        case 719: return "cudaErrorLaunchFailure";
        case cudaErrorStreamCaptureUnsupported: return "cudaErrorStreamCaptureUnsupported";
        case cudaErrorStreamCaptureImplicit: return "cudaErrorStreamCaptureImplicit";
        default: return "cudaErrorEmulated";
    }
}
cudaError_t cudaGetLastError() { return std::exchange(state().last_error, cudaSuccess); }
cudaError_t cudaGetDeviceCount(int *count) {
    *count = 1;
    return cudaSuccess;
}
cudaError_t cudaGetDevice(int *device) {
    *device = state().current_device;
    return cudaSuccess;
}
cudaError_t cudaSetDevice(int device) {
    if (device != 0) return cudaErrorInvalidValue;
    state().current_device = device;
    return cudaSuccess;
}
cudaError_t cudaPointerGetAttributes(cudaPointerAttributes *attributes, const void *p) {
    std::memset(attributes, 0, sizeof(*attributes));
    const bool device = emu::is_device_pointer(p);
    attributes->type = device ? cudaMemoryTypeDevice : cudaMemoryTypeUnregistered;
    attributes->device = device ? 0 : -2;
    return cudaSuccess;
}
cudaError_t cudaDeviceGetAttribute(int *value, cudaDeviceAttr attribute, int device) {
    if (device != 0) return cudaErrorInvalidValue;
    switch (attribute) {
        case cudaDevAttrMaxSharedMemoryPerBlockOptin:
            *value = static_cast<int>(state().optin_smem);
            break;
        case cudaDevAttrMultiProcessorCount:
            *value = emu::kMultiProcessors;
            break;
        case cudaDevAttrMaxSharedMemoryPerMultiprocessor:
            *value = emu::kSharedMemoryPerMultiprocessor;
            break;
        default:
            *value = 1;
    }
    return cudaSuccess;
}
static cudaError_t allocate(void **p, size_t bytes) {
    const size_t rounded = bytes == 0 ? 256 : (bytes + 255) / 256 * 256;
    *p = std::aligned_alloc(256, rounded);
    if (*p == nullptr) return cudaErrorMemoryAllocation;
    std::memset(*p, 0xAB, rounded);
    emu::register_device_memory(*p, bytes);
    ++state().live_allocations;
    return cudaSuccess;
}
cudaError_t cudaMallocAsync(void **p, size_t bytes, cudaStream_t stream) {
    const cudaError_t error = emu::capture_rule(false, true, stream);
    return error != cudaSuccess ? error : allocate(p, bytes);
}
cudaError_t cudaMalloc(void **p, size_t bytes) {
    const cudaError_t error = emu::capture_rule(true, false, nullptr);
    return error != cudaSuccess ? error : allocate(p, bytes);
}
static cudaError_t release(void *p) {
    if (p == nullptr) return cudaSuccess;
    if (!emu::is_device_pointer(p)) return cudaErrorInvalidValue;
    emu::unregister_device_memory(p);
    std::free(p);
    --state().live_allocations;
    return cudaSuccess;
}
cudaError_t cudaFreeAsync(void *p, cudaStream_t stream) {
    const cudaError_t error = emu::capture_rule(false, true, stream);
    return error != cudaSuccess ? error : release(p);
}
cudaError_t cudaFree(void *p) {
    const cudaError_t error = emu::capture_rule(true, false, nullptr);
    return error != cudaSuccess ? error : release(p);
}
cudaError_t cudaMemsetAsync(void *p, int value, size_t bytes, cudaStream_t stream) {
    if (const cudaError_t error = emu::capture_rule(false, true, stream); error != cudaSuccess) return error;
    if (bytes > 0 && !emu::inside_device_memory(reinterpret_cast<uintptr_t>(p), bytes)) return cudaErrorInvalidValue;
    std::memset(p, value, bytes);
    return cudaSuccess;
}
cudaError_t cudaMemcpyAsync(void *dst, const void *src, size_t bytes, cudaMemcpyKind kind, cudaStream_t stream) {
    if (const cudaError_t error = emu::capture_rule(false, true, stream); error != cudaSuccess) return error;
    const bool dst_device = kind == cudaMemcpyHostToDevice || kind == cudaMemcpyDeviceToDevice;
    const bool src_device = kind == cudaMemcpyDeviceToHost || kind == cudaMemcpyDeviceToDevice;
    if (bytes > 0 && dst_device && !emu::inside_device_memory(reinterpret_cast<uintptr_t>(dst), bytes)) return cudaErrorInvalidValue;
    if (bytes > 0 && src_device && !emu::inside_device_memory(reinterpret_cast<uintptr_t>(src), bytes)) return cudaErrorInvalidValue;
    std::memcpy(dst, src, bytes);
    return cudaSuccess;
}
cudaError_t cudaStreamSynchronize(cudaStream_t stream) { return emu::capture_rule(true, true, stream); }
// launches run to completion when made
cudaError_t cudaDeviceSynchronize() { return emu::capture_rule(true, true, state().capture_stream); }
struct emu_stream {
    unsigned flags;
};
cudaError_t cudaStreamCreateWithFlags(cudaStream_t *stream, unsigned flags) {
    if (stream == nullptr) return cudaErrorInvalidValue;
    *stream = new emu_stream{flags};
    return cudaSuccess;
}
cudaError_t cudaStreamDestroy(cudaStream_t stream) {
    if (stream == nullptr || stream == state().capture_stream) return cudaErrorInvalidValue;
    delete static_cast<emu_stream *>(stream);
    return cudaSuccess;
}
cudaError_t cudaStreamIsCapturing(cudaStream_t stream, cudaStreamCaptureStatus *status) {
    if (status == nullptr) return cudaErrorInvalidValue;
    *status = cudaStreamCaptureStatusNone;
    const emu::State &s = state();
    // Asked of the legacy stream while a blocking stream captures: an error, but the query breaks nothing.
    if (s.capturing && stream == nullptr && s.capture_stream != nullptr) return cudaErrorStreamCaptureImplicit;
    if (s.capturing && stream == s.capture_stream) {
        *status = s.capture_invalidated ? cudaStreamCaptureStatusInvalidated : cudaStreamCaptureStatusActive;
    }
    return cudaSuccess;
}
cudaError_t cudaThreadExchangeStreamCaptureMode(cudaStreamCaptureMode *mode) {
    if (mode == nullptr) return cudaErrorInvalidValue;
    const int previous = state().capture_mode;
    state().capture_mode = *mode;
    *mode = static_cast<cudaStreamCaptureMode>(previous);
    return cudaSuccess;
}
struct emu_event {
    bool recorded = false;
};
cudaError_t cudaHostAlloc(void **p, size_t bytes, unsigned) {
    if (const cudaError_t error = emu::capture_rule(true, false, nullptr); error != cudaSuccess) return error;
    *p = std::malloc(bytes > 0 ? bytes : 1);
    return *p != nullptr ? cudaSuccess : cudaErrorMemoryAllocation;
}
cudaError_t cudaFreeHost(void *p) {
    if (const cudaError_t error = emu::capture_rule(true, false, nullptr); error != cudaSuccess) return error;
    std::free(p);
    return cudaSuccess;
}
cudaError_t cudaEventCreateWithFlags(cudaEvent_t *event, unsigned) {
    *event = new emu_event();
    return cudaSuccess;
}
cudaError_t cudaEventRecord(cudaEvent_t event, cudaStream_t) {
    if (event == nullptr) return cudaErrorInvalidValue;
    event->recorded = true;
    return cudaSuccess;
}
cudaError_t cudaEventSynchronize(cudaEvent_t event) {
    if (const cudaError_t error = emu::capture_rule(true, false, nullptr); error != cudaSuccess) return error;
    return event != nullptr ? cudaSuccess : cudaErrorInvalidValue;
}
cudaError_t cudaEventDestroy(cudaEvent_t event) {
    delete event;
    return cudaSuccess;
}
